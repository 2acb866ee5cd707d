/**
 * A service's notion of "now". Domain functions take `now` as a parameter; use cases read it from
 * `ctx.clock`, so a test can run time rules (quiet hours, expiry, leases) at an instant it chooses.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that reads `at` (tests): a fixed instant, or a function for one that moves. */
export const fixedClock = (at: Date | (() => Date)): Clock => ({
  now: () => (typeof at === 'function' ? at() : new Date(at)),
});
