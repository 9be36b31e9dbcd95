/** A clock the test moves by hand. */
import type { Clock } from '#shared/ports/clock.ts';

/** A clock that stands still until told to move. */
export class ManualClock implements Clock {
  constructor(private current = new Date('2026-11-27T10:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
