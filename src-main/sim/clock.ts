// The simulator's time: a virtual clock that tests advance by hand (deterministic, no sleeps), or
// the real clock in demo mode.

export interface SimClock {
  now(): number
  /** Run `fn` every `ms` (virtual: as `advance` passes those instants). Returns a cancel function. */
  every(ms: number, fn: () => void): () => void
}

interface Timer {
  id: number
  next: number
  interval: number
  fn: () => void
}

export class VirtualClock implements SimClock {
  private t: number
  private timers: Timer[] = []
  private nextId = 1

  constructor(start: number) {
    this.t = start
  }

  now(): number {
    return this.t
  }

  every(ms: number, fn: () => void): () => void {
    const timer = { id: this.nextId++, next: this.t + ms, interval: ms, fn }
    this.timers.push(timer)
    return () => {
      this.timers = this.timers.filter((x) => x.id !== timer.id)
    }
  }

  /** Move time forward, running every timer due on the way, in time order. */
  advance(ms: number): void {
    const target = this.t + ms
    for (;;) {
      const due = this.timers.filter((x) => x.next <= target).sort((a, b) => a.next - b.next || a.id - b.id)[0]
      if (!due) break
      this.t = due.next
      due.next += due.interval
      due.fn()
    }
    this.t = target
  }
}

export class RealClock implements SimClock {
  now(): number {
    return Date.now()
  }
  every(ms: number, fn: () => void): () => void {
    const h = setInterval(fn, ms)
    h.unref()
    return () => clearInterval(h)
  }
}
