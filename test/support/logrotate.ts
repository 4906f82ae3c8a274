import { copyFileSync, existsSync, renameSync, truncateSync, writeFileSync } from 'node:fs';

// What logrotate does to a log, for the rotation tests: `rotate KEEP` numbered generations
// (`path.1` newest), the oldest overwritten once there are KEEP of them.

/** Lines `line FROM` … `line TO-1`, each with its newline. */
export const numbered = (from: number, to: number): string => Array.from({ length: to - from }, (_, i) => `line ${String(from + i)}\n`).join('');
/** The same lines as a reader hands them on. */
export const expected = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `line ${String(from + i)}`);

function shiftGenerations(path: string, keep: number): void {
  for (let n = keep - 1; n >= 1; n--) if (existsSync(`${path}.${String(n)}`)) renameSync(`${path}.${String(n)}`, `${path}.${String(n + 1)}`);
}

export function copytruncate(path: string, keep: number): void {
  shiftGenerations(path, keep);
  copyFileSync(path, `${path}.1`);
  truncateSync(path, 0);
}

export function renameAndCreate(path: string, keep: number): void {
  shiftGenerations(path, keep);
  renameSync(path, `${path}.1`);
  writeFileSync(path, '');
}
