import type { InputLineCount } from '../metrics/index.js';

/**
 * Lines read per input, counted on the way to the rules. Lines mostly come
 * in runs from one input, so the last input's count is kept at hand and a
 * line costs one comparison and one increment.
 */
export class InputLineCounts {
  private readonly counts = new Map<string, InputLineCount>();
  private last: InputLineCount | undefined;

  add(input: string): void {
    let count = this.last;
    if (count?.input !== input) {
      count = this.counts.get(input);
      if (count === undefined) {
        count = { input, lines: 0 };
        this.counts.set(input, count);
      }
      this.last = count;
    }
    count.lines++;
  }

  all(): Iterable<InputLineCount> {
    return this.counts.values();
  }
}
