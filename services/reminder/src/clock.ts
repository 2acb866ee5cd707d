/**
 * The service's notion of "now". Domain functions take `now` as a parameter; the handlers read it from a
 * Clock so tests can run the fire-time rules (quiet hours, expiry) at a chosen instant.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that reads `at` (tests): a fixed instant, or a function for one that moves. */
export const fixedClock = (at: Date | (() => Date)): Clock => ({
  now: () => (typeof at === 'function' ? at() : new Date(at)),
});
