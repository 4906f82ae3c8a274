import { pino, type Logger } from 'pino';

/**
 * Calls `observe` with every serialised line the logger writes, JSON and
 * already redacted, before any prettifying: what the log says happened is
 * what the observer sees. Returns a function that stops the tap.
 */
export function tapLogLines(logger: Logger, observe: (line: string) => void): () => void {
  const destination = (logger as unknown as Record<symbol, { write: (line: string) => unknown } | undefined>)[pino.symbols.streamSym];
  if (destination === undefined) throw new Error('the logger has no destination to observe');
  const write = destination.write;
  const tapped = (line: string): unknown => {
    observe(line);
    return write.call(destination, line);
  };
  destination.write = tapped;
  return () => {
    if (destination.write === tapped) destination.write = write;
  };
}
