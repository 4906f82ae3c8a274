/**
 * A flat copy of a string that outlives its event: an operation's key, a
 * context's name. Two reasons not to keep the string itself. A value taken
 * from a log line (`BURST_$1`) is, in V8, a slice of that line or a chain of
 * pieces around one, and would keep the whole line alive as long as the
 * operation or context lives. And lookup keys are built for every event and
 * die at once: if the few that are kept came from the same allocation site,
 * V8 would pretenure that site and every throwaway key would land in the old
 * generation, growing the heap between full collections.
 */
export function ownCopy(text: string): string {
  return Buffer.from(text, 'latin1').toString('latin1');
}
