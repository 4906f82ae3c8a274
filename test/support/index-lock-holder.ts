// Another git process in a backup repository, as an operator's `git gc` or a cron job would be: it takes
// .git/index.lock for HOLD ms, lets it go for FREE ms, again and again until STOP exists, then prints how
// many times it held it. `node --import tsx index-lock-holder.ts DIR HOLD FREE STOP`
import { existsSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const [dir = '', hold = '0', free = '0', stop = ''] = process.argv.slice(2);
const lockFile = join(dir, '.git', 'index.lock');
let held = 0;
while (!existsSync(stop)) {
  if (!existsSync(join(dir, '.git'))) {
    await sleep(5);
    continue;
  }
  try {
    // As git takes it: created exclusively, so a lock git holds is never taken over.
    await (await open(lockFile, 'wx')).close();
  } catch {
    await sleep(1);
    continue;
  }
  held += 1;
  await sleep(Number(hold));
  await rm(lockFile);
  await sleep(Number(free));
}
process.stdout.write(`${String(held)}\n`);
