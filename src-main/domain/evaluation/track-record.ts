// The model's own track record as of a decision date (LLM.md `previous_analyses`, EVALUATION.md §1):
// the last decisions before t, each with the realised R of its trade only when that trade had closed by
// t's close. A trade that closes after t is an outcome the model could not have known: its R is null.

export interface PastDecision {
  /** The decision's session, YYYY-MM-DD. */
  date: string
  action: string
  /** Session of the exit (or of the expiry of an entry that never filled); null while open. */
  exitDate: string | null
  exitReason: string | null
  /** Realised R net of costs; null without a trade. */
  r: number | null
}

export interface KnownDecision {
  date: string
  action: string
  /** The trade's realised R, known by t; null when there was none or it was still open at t. */
  rMultiple: number | null
  /** How it ended, when that was known by t. */
  outcome: { exit: string } | null
}

/** The last `n` decisions strictly before `t`, newest first, with only what was known at the close of `t`. */
export function trackRecordAsOf(past: readonly PastDecision[], t: string, n = 5): KnownDecision[] {
  return past
    .filter((p) => p.date < t)
    .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))
    .slice(0, n)
    .map((p) => {
      const known = p.exitDate !== null && p.exitDate <= t
      return {
        date: p.date,
        action: p.action,
        rMultiple: known ? p.r : null,
        outcome: known && p.exitReason !== null ? { exit: p.exitReason } : null,
      }
    })
}

/** A stored decision (any row with these fields, absent ones as null) as a PastDecision. */
export const toPastDecision = (r: {
  date: string
  action: string
  exitDate?: string | null
  exitReason?: string | null
  r?: number | null
}): PastDecision => ({
  date: r.date,
  action: r.action,
  exitDate: r.exitDate ?? null,
  exitReason: r.exitReason ?? null,
  r: r.r ?? null,
})
