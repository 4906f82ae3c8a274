import type { ExpectedDevice } from '../inventory/inventory.js';
import type { DeviceStatus } from '../onboard/status.js';
import { deviceSamples } from './devices.js';
import type { InputLineCount, MetricsSource, RuleMatchCount } from './source.js';

/** What the metrics read of the onboarder now in use. */
export interface OnboarderView {
  status: { all(): DeviceStatus[] };
  expectedDevices(): ExpectedDevice[];
  readonly jobs: { queued: number };
}

/** The running appliance's parts a scrape reads: all in memory. */
export interface ApplianceParts {
  /** The onboarder now in use (a reload replaces it); undefined when the rules use no native action. */
  onboarder(): OnboarderView | undefined;
  inputLines(): Iterable<InputLineCount>;
  ruleMatches(): Iterable<RuleMatchCount>;
}

export function applianceSource(parts: ApplianceParts): MetricsSource {
  return {
    devices() {
      const onboarder = parts.onboarder();
      return onboarder === undefined ? [] : deviceSamples(onboarder.expectedDevices(), onboarder.status.all());
    },
    jobQueue() {
      return parts.onboarder()?.jobs;
    },
    inputLines: () => parts.inputLines(),
    ruleMatches: () => parts.ruleMatches(),
  };
}
