function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** A version's id: its time to the second (20260102T030405Z), with -2, -3… when that one is taken. */
export function newVersionId(ms: number, taken: (id: string) => boolean): string {
  let id = stamp(ms);
  for (let n = 2; taken(id); n++) id = `${stamp(ms)}-${String(n)}`;
  return id;
}
