// A per-backend circuit breaker. After `failureThreshold` consecutive failures the circuit opens and
// calls fail fast (nothing is sent) for `resetMs`; then one probe is let through (half-open): its success
// closes the circuit, its failure opens it again. Small enough that a library would add more than it saves.

export type BreakerState = 'closed' | 'open' | 'half-open';

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private state_: BreakerState = 'closed';

  constructor(
    private readonly failureThreshold: number,
    private readonly resetMs: number,
    private readonly now: () => number = Date.now,
    private readonly onChange: (state: BreakerState) => void = () => {},
  ) {}

  get state(): BreakerState {
    if (this.state_ === 'open' && this.now() - this.openedAt >= this.resetMs) this.setState('half-open');
    return this.state_;
  }

  private setState(state: BreakerState) {
    if (state === this.state_) return;
    this.state_ = state;
    this.onChange(state);
  }

  /** True when a call may go out now. In half-open, only one probe at a time. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'half-open' && !this.probing) {
      this.probing = true;
      return true;
    }
    return false;
  }

  onSuccess(): void {
    this.failures = 0;
    this.probing = false;
    this.setState('closed');
  }

  onFailure(): void {
    this.probing = false;
    this.failures += 1;
    if (this.state_ === 'half-open' || this.failures >= this.failureThreshold) {
      this.openedAt = this.now();
      this.setState('open');
    }
  }

  /** A call that neither proved nor disproved health (e.g. the caller gave up): free the probe slot. */
  onNeutral(): void {
    this.probing = false;
  }
}
