// Saves COUNT versions of HOST into the git backup store DIR, as one agent would: `node --import tsx git-backup-writer.ts DIR HOST COUNT`.
import { GitBackupStore } from '../../src/backups/index.js';

const [dir = '', host = '', count = '0'] = process.argv.slice(2);
const store = new GitBackupStore(dir);
for (let n = 1; n <= Number(count); n++) {
  await store.save(host, `hostname ${host}\nversion ${String(n)}\n`, Date.now(), { kind: 'manual' });
}
