import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KeaLeaseFile, parseDhcpLine } from '../../src/dhcp/index.js';
import { tailFile } from '../../src/input/index.js';
import { createLogger } from '../../src/log/index.js';
import { createOnboarder } from '../../src/onboard/index.js';
import { StateStore } from '../../src/state/index.js';

/*
 * onramp's watching half for a real Kea log, run inside the DHCP server's
 * network namespace by dhcp-netns.test.ts. Kea's lease lines carry no
 * hostname and the engine's ptype=DHCP cannot be given Kea's lease CSV, so
 * `onramp run` with rules/dhcp.rules never onboards a Kea lease (see
 * dhcp-real-logs.test.ts). This follows the log from its start, parses each
 * line with the memfile CSV as hostname source and hands leases to the
 * onboarder, logging JSON to stdout. Prints `watching` once the log is open;
 * stops on SIGTERM or when stdin closes.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const { values } = parseArgs({
  options: {
    input: { type: 'string' },
    leases: { type: 'string' },
    sites: { type: 'string' },
    state: { type: 'string' },
  },
  strict: true,
});
const { input, leases, sites, state } = values;
if (input === undefined || leases === undefined || sites === undefined || state === undefined) {
  throw new Error('netns-kea-watch: --input, --leases, --sites and --state are required');
}

const logger = createLogger({ level: 'debug', destination: 1 });
const onboarder = await createOnboarder({
  sitesDir: sites, templatesDir: join(ROOT, 'templates'), state: new StateStore(state), logger,
});
const hostnames = new KeaLeaseFile(leases);
const tail = tailFile({
  path: input, fromStart: true, follow: true, logger, pollMs: 100,
  onLine: (line) => {
    const lease = parseDhcpLine(line, { hostnames });
    if (lease !== null) onboarder.onboardLease(lease);
  },
});
await tail.start();

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await tail.stop();
  await onboarder.close();
  process.exit(0);
}
process.once('SIGTERM', () => void stop());
process.stdin.on('end', () => void stop()).resume();
process.stdout.write('watching\n');
