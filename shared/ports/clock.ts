/** The time, as use cases see it: the system clock in production, a manual clock in tests. */
export interface Clock {
  now(): Date;
}
