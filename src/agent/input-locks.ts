import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { describeHolder, lockHolder, tryLock, type HeldLock } from '../lock/index.js';

const INPUT_LOCK = 'input';

/** One file is one input whatever path names it: a symlink, a relative path or a file not created yet. */
async function inputKey(path: string): Promise<string> {
  const absolute = resolve(path);
  return realpath(absolute).catch(async () => join(await realpath(dirname(absolute)).catch(() => dirname(absolute)), basename(absolute)));
}

/** The input `path` is followed by another onramp process (an agent, another `onramp run`). */
export class InputTakenError extends Error {
  constructor(readonly path: string, holder: string) {
    super(`${path}: already followed by ${holder}; two followers would act on every line twice`);
    this.name = 'InputTakenError';
  }
}

/**
 * Takes the follower's lock of every input file (standard input has none),
 * or throws InputTakenError naming the process that follows one already,
 * having let go of those it took.
 */
export async function lockInputs(paths: readonly string[]): Promise<() => Promise<void>> {
  const held: HeldLock[] = [];
  const releaseAll = async (): Promise<void> => {
    await Promise.all(held.map((lock) => lock.release()));
  };
  for (const path of paths) {
    if (path === '-') continue;
    const taken = await tryLock(INPUT_LOCK, await inputKey(path), `following ${path}`);
    if ('release' in taken) {
      held.push(taken);
      continue;
    }
    await releaseAll();
    throw new InputTakenError(path, describeHolder(taken.holder));
  }
  return releaseAll;
}

/** Who follows `path` now, for a message; undefined when nobody does. */
export async function inputFollower(path: string): Promise<string | undefined> {
  const holder = await lockHolder(INPUT_LOCK, await inputKey(path));
  return holder === undefined ? undefined : describeHolder(holder);
}
