import { Counter, Gauge, Registry } from 'prom-client';
import type { DeviceState } from '../onboard/device-state.js';
import type { JobObserver } from '../onboard/observed-work.js';
import { VERSION } from '../version.js';
import { deviceFamiliesText } from './device-text.js';
import { LogEventCounts } from './event-counts.js';
import { JOB_KINDS, JobStats } from './job-stats.js';
import type { DeviceSample, MetricsSource } from './source.js';

export interface Metrics {
  /** Give it to the onboarder: every check, provisioning and backup is counted and timed. */
  readonly jobs: JobObserver;
  /** Give it every serialised log line (tapLogLines): rejected input lines and host-key refusals are counted from them. */
  observeLogLine(line: string): void;
  /** The Prometheus text exposition of everything, read from the source now. */
  render(): Promise<{ contentType: string; body: string }>;
}

/**
 * The metrics of one appliance or console, in a registry of its own (never
 * prom-client's global one): a process, or a test, may hold several.
 * Gauges read the source at each scrape; counters fed by events live here.
 */
export function createMetrics(source: MetricsSource): Metrics {
  const registry = new Registry();

  new Gauge({
    name: 'onramp_build_info',
    help: 'Always 1; the labels say which onramp and which Node.js run.',
    labelNames: ['version', 'node'],
    registers: [registry],
    collect() {
      this.set({ version: VERSION, node: process.version }, 1);
    },
  });

  const jobs = new JobStats(registry);
  const events = new LogEventCounts(registry);

  if (source.jobQueue !== undefined) {
    // Only a running appliance has a queue; a console reading a state directory does not say there is none.
    const jobQueue = source.jobQueue.bind(source);
    new Gauge({
      name: 'onramp_jobs_queued',
      help: 'Device jobs waiting to start.',
      registers: [registry],
      collect() {
        this.set(jobQueue()?.queued ?? 0);
      },
    });
    new Gauge({
      name: 'onramp_jobs_running',
      help: 'Device jobs running now, by kind.',
      labelNames: ['kind'],
      registers: [registry],
      collect() {
        for (const kind of JOB_KINDS) this.set({ kind }, jobs.runningOf(kind));
      },
    });
  }
  if (source.inputLines !== undefined) {
    const inputLines = source.inputLines.bind(source);
    new Counter({
      name: 'onramp_input_lines_total',
      help: 'Lines read from each input and handed to the rules.',
      labelNames: ['input'],
      registers: [registry],
      collect() {
        this.reset();
        for (const { input, lines } of inputLines()) this.inc({ input }, lines);
      },
    });
  }
  if (source.ruleMatches !== undefined) {
    const ruleMatches = source.ruleMatches.bind(source);
    new Counter({
      name: 'onramp_rule_matches_total',
      help: 'Events each rule matched since the rules were loaded, by rule file and line.',
      labelNames: ['file', 'line'],
      registers: [registry],
      collect() {
        this.reset();
        for (const { file, line, matches } of ruleMatches()) this.inc({ file, line: String(line) }, matches);
      },
    });
  }

  return {
    jobs,
    observeLogLine(line) {
      events.observe(line);
    },
    async render() {
      const devices = deviceFamiliesText(await source.devices(), (sample) => liveState(sample, jobs));
      return { contentType: registry.contentType, body: `${await registry.metrics()}\n${devices}` };
    },
  };
}

/** Work under way shows before its outcome is recorded: a provisioning as such, a first check as the lease that brought it. */
function liveState(sample: DeviceSample, jobs: JobStats): DeviceState {
  if (jobs.running(sample.device, 'provision')) return 'provisioning';
  if (sample.state === 'waiting' && jobs.running(sample.device, 'check')) return 'leased';
  return sample.state;
}
