import type { DeviceState } from '../onboard/device-state.js';

/** One device as a scrape sees it. */
export interface DeviceSample {
  site: string;
  device: string;
  /** The vendor profile; empty when the site files are not at hand. */
  profile: string;
  state: DeviceState;
  /** ms since the epoch of its last completed check, when it had one. */
  lastCheckSuccess?: number;
}

export interface InputLineCount {
  /** The input as named on the command line (a file, `-`, a listener URL). */
  input: string;
  lines: number;
}

export interface RuleMatchCount {
  file: string;
  line: number;
  matches: number;
}

/**
 * What a scrape reads, from what the appliance or console already holds:
 * each call must be cheap (no file read in a running appliance), since it
 * runs at every scrape. What a source cannot know (a read-only console has
 * no job queue) it leaves out.
 */
export interface MetricsSource {
  devices(): Iterable<DeviceSample> | Promise<Iterable<DeviceSample>>;
  jobQueue?(): { queued: number } | undefined;
  inputLines?(): Iterable<InputLineCount>;
  ruleMatches?(): Iterable<RuleMatchCount>;
}
