// A paced read shared by its callers: IBKR answers `/iserver/account/pnl/partitioned` once per 5 s, so
// callers asking within that time (the portfolio view, the dashboard and the snapshot job at once)
// share the read in flight, or the last answer while no fresher one may be asked for. Each caller
// used to queue its own read, and a view refreshed on every change waited behind them all.

export function sharedRead<T>(
  now: () => number,
  /** How long an answer is reused: the endpoint's window, after which a new read is let through at once. */
  reuseMs: number,
  read: () => Promise<T>,
  /** Answers worth reusing (IBKR's first PnL answer of a session is often empty: read again). */
  reusable: (value: T) => boolean = () => true,
): () => Promise<T> {
  let last: { value: Promise<T>; answeredAt: number | null } | null = null
  return () => {
    if (last && (last.answeredAt === null || now() - last.answeredAt < reuseMs)) return last.value
    const entry: { value: Promise<T>; answeredAt: number | null } = { value: read(), answeredAt: null }
    last = entry
    entry.value.then(
      (v) => {
        entry.answeredAt = now()
        if (!reusable(v) && last === entry) last = null
      },
      () => {
        if (last === entry) last = null // a failed read is never handed to a later caller
      },
    )
    return entry.value
  }
}
