import { performance } from 'node:perf_hooks';

/** What a push needs to know of a stop: whether it came, and how long onramp then has until it must have exited. */
export interface StopBudget {
  /** Aborted when onramp is told to stop (SIGTERM, SIGINT). */
  signal: AbortSignal;
  /** ms left until onramp must have exited; read once `signal` has aborted. */
  remainingMs(): number;
}

/** Why a push stopped: what was left of it against what the stop had left. */
export interface StopEstimate {
  /** Lines typed before it stopped, and the plan's lines. */
  sent: number;
  total: number;
  /** The time one line took in this push (the command timeout when none had been typed). */
  perLineMs: number;
  /** The rest of the plan, its save and the verifying fetch, at that pace. */
  neededMs: number;
  /** What the stop had left. */
  leftMs: number;
}

/**
 * Decides before each line of a push whether to type it, once onramp is
 * stopping: yes while the rest of the plan fits in what the stop has left,
 * the rest being the lines not typed yet at the pace this push has had (or
 * at the command timeout before its first line), then leaving config mode,
 * the save and the verifying fetch (as long as the fetch before the push
 * took). When it does not fit the push stops there and is rolled back: a
 * plan half typed when the service manager kills onramp is the one outcome
 * worse than either.
 */
export class StopPace {
  private startedAt: number | undefined;
  private stoppedBy: StopEstimate | undefined;

  constructor(
    private readonly budget: StopBudget | undefined,
    /** The longest a line may take: the session's command timeout. */
    private readonly lineTimeoutMs: number,
    /** How long the running config took to fetch before the push. */
    private readonly fetchMs: number,
  ) {}

  /** ConfigureOptions.beforeLine. */
  readonly beforeLine = (index: number, total: number): boolean => {
    const now = performance.now();
    this.startedAt ??= now;
    if (this.budget?.signal.aborted !== true) return true;
    const perLineMs = index === 0 ? this.lineTimeoutMs : (now - this.startedAt) / index;
    // Leaving config mode and the save are a line each.
    const neededMs = (total - index + 2) * perLineMs + this.fetchMs;
    const leftMs = this.budget.remainingMs();
    if (neededMs <= leftMs) return true;
    this.stoppedBy = { sent: index, total, perLineMs: Math.round(perLineMs), neededMs: Math.round(neededMs), leftMs: Math.max(0, Math.round(leftMs)) };
    return false;
  };

  /** The estimate that stopped the push, once it did. */
  get estimate(): StopEstimate | undefined {
    return this.stoppedBy;
  }
}
