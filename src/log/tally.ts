/**
 * Counts a repeated event that an outsider can cause (a datagram from a
 * sender not allowed, a lease line on the wrong input) and says when to log
 * it: the 1st, 10th, 100th… time, each log line carrying how many it stands
 * for, so a flood costs a few lines and the counts still add up.
 */
export class Tally {
  private total = 0;
  private logged = 0;

  /** Counts one; returns how many a log line written now stands for, or undefined when none is due. */
  add(): number | undefined {
    this.total++;
    return isPowerOfTen(this.total) ? this.take() : undefined;
  }

  /** How many are counted but not logged yet (to log at the end); 0 when none. */
  rest(): number {
    return this.take();
  }

  private take(): number {
    const count = this.total - this.logged;
    this.logged = this.total;
    return count;
  }
}

function isPowerOfTen(n: number): boolean {
  let rest = n;
  while (rest >= 10 && rest % 10 === 0) rest /= 10;
  return rest === 1;
}
