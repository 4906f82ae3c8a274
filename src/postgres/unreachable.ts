/** SQLSTATE classes and codes that say the server is not there for us (rather than that a statement was wrong). */
const UNREACHABLE_STATES = /^(08|57P0[1-3]|53300)/;
const SQLSTATE = /^[0-9A-Z]{5}$/;
const SYSCALL = /^E[A-Z]+$/;
/** What node-postgres says when a connection breaks or cannot be made. */
const DRIVER_MESSAGES = /connection|terminated|timeout exceeded|not queryable/i;

/**
 * Whether `err` says the database could not be reached (refused, cut,
 * restarting, full): the event is held and done once it is back. Any other
 * error is a fault of its own and is reported.
 */
export function isUnreachable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  // A system call's code first (EPIPE has five letters too; no SQLSTATE class begins with E).
  if (typeof code === 'string' && SYSCALL.test(code)) return true;
  if (typeof code === 'string' && SQLSTATE.test(code)) return UNREACHABLE_STATES.test(code);
  return DRIVER_MESSAGES.test(err.message);
}
