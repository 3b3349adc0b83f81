/** Timer functions, injected so that tests drive time themselves (no sleeps). */
export interface Timers {
  setInterval(fn: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}

export const realTimers: Timers = {
  setInterval: (fn, ms) => {
    const h = setInterval(fn, ms)
    h.unref()
    return h
  },
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
}
