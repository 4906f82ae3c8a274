import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Lab, type Personality } from '../../src/lab/index.js';

/*
 * One emulated switch on a given address, for a test that runs it inside a
 * network namespace (`ip netns exec NS node --import tsx netns-lab.ts …`).
 * Prints `ready <port>` once it answers SSH; stops on SIGTERM or when its
 * stdin closes (the test that started it is gone), and then prints what the
 * switch became as one JSON line: `{"hostname":…,"saves":…,"commands":[…]}`.
 * The password comes from ONRAMP_LAB_PASSWORD, never from the command line.
 */
const { values } = parseArgs({
  options: {
    address: { type: 'string' },
    hostname: { type: 'string' },
    personality: { type: 'string' },
    mac: { type: 'string' },
    config: { type: 'string' },
    'key-dir': { type: 'string' },
  },
  strict: true,
});

function required(name: keyof typeof values): string {
  const value = values[name];
  if (value === undefined) throw new Error(`netns-lab: --${name} is required`);
  return value;
}

const password = process.env.ONRAMP_LAB_PASSWORD;
if (password === undefined || password === '') throw new Error('netns-lab: ONRAMP_LAB_PASSWORD is not set');

const lab = await Lab.start({
  keyDir: required('key-dir'),
  switches: [{
    hostname: required('hostname'),
    personality: required('personality') as Personality,
    mac: required('mac'),
    username: 'admin',
    password,
    address: required('address'),
    ...(values.config === undefined ? {} : { runningConfig: readFileSync(values.config, 'utf8') }),
  }],
});

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  const [device] = lab.switches;
  if (device !== undefined) {
    process.stdout.write(`${JSON.stringify({ hostname: device.hostname(), saves: device.saves(), commands: device.commandLog() })}\n`);
  }
  void lab.stop().then(() => process.exit(0));
}
process.once('SIGTERM', stop);
process.stdin.on('end', stop).resume();
process.stdout.write(`ready ${lab.port}\n`);
