/** Uses of one clock reading within a burst of lines: at a million lines a second, well under a millisecond. */
const CLOCK_REUSE = 256;

/**
 * SEC's timing works in whole seconds, so the lines of one burst (one read
 * of an input, or a file under --notail) can share a clock reading: it is
 * taken again after the burst ends or after CLOCK_REUSE uses, whichever
 * comes first. Reading the clock for every line costs more than matching
 * a typical line. An injected clock is read every time.
 */
export class SecondsClock {
  private second = 0;
  private reuses = 0;
  private inBurst = false;

  /** `now` in milliseconds; `injected` when a caller (a test) supplies it. */
  constructor(
    readonly now: () => number,
    private readonly injected: boolean,
  ) {}

  seconds(): number {
    if (this.reuses > 0) {
      this.reuses--;
      return this.second;
    }
    this.second = Math.floor(this.now() / 1000);
    if (!this.injected) {
      this.reuses = CLOCK_REUSE;
      // One watcher per burst: a queued task per reading would pile up over a long synchronous file.
      if (!this.inBurst) {
        this.inBurst = true;
        queueMicrotask(this.burstEnded);
      }
    }
    return this.second;
  }

  private readonly burstEnded = (): void => {
    this.inBurst = false;
    this.reuses = 0;
  };
}
