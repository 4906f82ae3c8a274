// Updates every state file several processes change, COUNT times, as one onramp process would:
// `node --import tsx state-writer.ts STATE WRITER COUNT [STORE_URL]`; with STORE_URL (password in PGPASSWORD)
// in that PostgreSQL store instead of the state directory's files. Prints the execution ids it handed out, as JSON.
import { randomBytes } from 'node:crypto';
import { BackupStore } from '../../src/backups/index.js';
import { HostKeyStore } from '../../src/device/index.js';
import { createLogger } from '../../src/log/index.js';
import { ExecutionCounter } from '../../src/onboard/executions.js';
import { LearnedBook } from '../../src/onboard/learned.js';
import { StatusBook } from '../../src/onboard/status.js';
import { VerifiedIdentities } from '../../src/onboard/verified-identities.js';
import { saveQueue } from '../../src/onboard/work-queue.js';
import { openStore } from '../../src/postgres/index.js';
import { StateStore } from '../../src/state/index.js';

const [dir = '', writer = '', count = '0', url] = process.argv.slice(2);
const opened = await openStore(new StateStore(dir), url === undefined ? {} : { store: url, name: writer }, createLogger({ level: 'silent' }));
const state = opened.store;
const status = new StatusBook(state);
await status.load();
const identities = new VerifiedIdentities(state);
const hostKeys = new HostKeyStore(state);
const learned = new LearnedBook(state);
const backups = opened.backups?.versions(10_000) ?? new BackupStore(new StateStore(dir), 10_000);
const executions = new ExecutionCounter(state, createLogger({ level: 'silent' }));
await executions.load();
const ids: number[] = [];
for (let n = 0; n < Number(count); n++) {
  const device = `${writer}-${String(n)}`;
  const ip = `10.9.${String(Number(writer.replace(/\D/g, '')) % 250)}.${String(n % 250)}`;
  ids.push(executions.next());
  await Promise.all([
    status.record({ device, site: 'hq', lastEvent: 'device.check.ok', action: 'check', result: 'ok', time: new Date().toISOString() }),
    identities.verified(device, ip, undefined, Date.now()),
    hostKeys.verify({ owner: { kind: 'device', name: device }, host: ip, port: 22, key: randomBytes(32), tofuOnMove: false }),
    learned.record({ hostname: device, site: 'hq', model: 'fs-s3900', profile: 'fs-s3900', ip, mac: '', vars: {}, provisionedAt: new Date().toISOString() }),
    backups.save('SHARED', `hostname SHARED\n! ${device}\n`, Date.now(), { kind: 'manual' }),
    saveQueue(state, [{ kind: 'check', device }]),
  ]);
}
await status.flushed();
await executions.flushed();
await opened.close();
process.stdout.write(`${JSON.stringify(ids)}\n`);
