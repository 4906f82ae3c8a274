import { DEVICE_STATES, type DeviceState } from '../onboard/device-state.js';
import type { DeviceSample } from './source.js';

const STATE_HELP = `1 for each device, labelled with the state it is in (${DEVICE_STATES.join(', ')}).`;
const CHECK_HELP = 'When each device was last checked to the end (whatever the check found), in seconds since the epoch.';
const NEEDS_ESCAPE = /[\\"\n]/;

/**
 * The two per-device families in the Prometheus text format, written here
 * rather than through prom-client, whose per-series label hashing and
 * formatting would take most of a scrape's budget at 2,000 devices. The
 * format is the same (0.0.4: HELP, TYPE, one sample a line, label values
 * escaped). A device's state is one series, valued 1, labelled with its
 * state: not one per state with the others at 0, which would make nine
 * times the series for Prometheus to store and this scrape to write.
 */
export function deviceFamiliesText(samples: Iterable<DeviceSample>, stateOf: (sample: DeviceSample) => DeviceState): string {
  const states: string[] = [`# HELP onramp_device_state ${STATE_HELP}`, '# TYPE onramp_device_state gauge'];
  const checks: string[] = [`# HELP onramp_device_last_check_success_timestamp_seconds ${CHECK_HELP}`, '# TYPE onramp_device_last_check_success_timestamp_seconds gauge'];
  for (const sample of samples) {
    const labels = `site="${escape(sample.site)}",device="${escape(sample.device)}",profile="${escape(sample.profile)}"`;
    states.push(`onramp_device_state{${labels},state="${stateOf(sample)}"} 1`);
    if (sample.lastCheckSuccess !== undefined) checks.push(`onramp_device_last_check_success_timestamp_seconds{${labels}} ${String(sample.lastCheckSuccess / 1000)}`);
  }
  return `${states.join('\n')}\n\n${checks.join('\n')}\n`;
}

/** A label value as the text format writes it: backslash, double quote and line feed escaped. */
function escape(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n') : value;
}
