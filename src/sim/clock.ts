/**
 * The simulator's clock: real time multiplied by `speed`, plus whatever advance() added. Lifecycle and
 * billing read it; rate limiting deliberately uses real time instead (clients wait in real seconds).
 */

/** Sim time in epoch ms. */
export class SimClock {
  private readonly realStart: number;
  private offset = 0;

  /** `simStart` is the sim time at construction (epoch ms). */
  constructor(
    private readonly realNow: () => number,
    readonly speed: number,
    private readonly simStart: number,
  ) {
    this.realStart = realNow();
  }

  /** Current sim time, epoch ms. */
  now(): number {
    return this.simStart + (this.realNow() - this.realStart) * this.speed + this.offset;
  }

  /** Jump forward by `ms` of sim time. */
  advance(ms: number): void {
    this.offset += ms;
  }
}
