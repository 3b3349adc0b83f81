/**
 * Timer functions, injected everywhere time passes (engine, broker client, store), so that tests
 * drive time themselves (no sleeps). Each returns a function that cancels it.
 */
export interface Timers {
  every(fn: () => void, ms: number): () => void
  after(fn: () => void, ms: number): () => void
}

/** Real timers; they never keep the process alive on their own. */
export const realTimers: Timers = {
  every(fn, ms) {
    const h = setInterval(fn, ms)
    h.unref()
    return () => clearInterval(h)
  },
  after(fn, ms) {
    const h = setTimeout(fn, ms)
    h.unref()
    return () => clearTimeout(h)
  },
}
