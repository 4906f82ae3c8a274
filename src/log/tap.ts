import { pino, type Logger } from 'pino';

interface Destination {
  write: (line: string) => unknown;
}

interface Tapped {
  observers: Set<(line: string) => void>;
  /** The destination's own write, put back when the last tap stops. */
  write: Destination['write'];
}

/** One wrapper per tapped destination, so that taps stop in any order. */
const tappedOf = new WeakMap<Destination, Tapped>();

/**
 * Calls `observe` with every serialised line the logger writes, JSON and
 * already redacted, before any prettifying: what the log says happened is
 * what the observer sees. Returns a function that stops the tap.
 */
export function tapLogLines(logger: Logger, observe: (line: string) => void): () => void {
  const destination = (logger as unknown as Record<symbol, Destination | undefined>)[pino.symbols.streamSym];
  if (destination === undefined) throw new Error('the logger has no destination to observe');
  let tapped = tappedOf.get(destination);
  if (tapped === undefined) {
    const observers = new Set<(line: string) => void>();
    const write = destination.write;
    tapped = { observers, write };
    tappedOf.set(destination, tapped);
    destination.write = (line: string): unknown => {
      for (const each of observers) each(line);
      return write.call(destination, line);
    };
  }
  // Each tap its own entry, even for the same function.
  const entry = (line: string): void => { observe(line); };
  const { observers } = tapped;
  observers.add(entry);
  return () => {
    if (!observers.delete(entry) || observers.size > 0) return;
    // No one listens any more: the logger writes as it did, with nothing in between.
    if (tappedOf.get(destination)?.observers === observers) {
      destination.write = tapped.write;
      tappedOf.delete(destination);
    }
  };
}

const EVENT_KEY = '"event":"';

/**
 * Whether a serialised log line carries one of `events`, found without
 * parsing it: a listener that hears every line parses only those it wants.
 * Every `"event":"` in the line is looked at, a nested object's too, so a
 * line is never passed over that names a wanted event (one that names it
 * only in a nested object is parsed, and judged by its own event).
 */
export function lineNamesEvent(line: string, events: ReadonlySet<string>): boolean {
  for (let at = line.indexOf(EVENT_KEY); at >= 0; at = line.indexOf(EVENT_KEY, at + EVENT_KEY.length)) {
    const start = at + EVENT_KEY.length;
    const end = line.indexOf('"', start);
    if (end < 0) return false;
    if (events.has(line.slice(start, end))) return true;
  }
  return false;
}
