import type { Db } from '../../store/db'

// The store syncs every commit (synchronous=FULL), about a millisecond each: an evaluation commits its free
// decisions (the rules analyst's, cached answers) a few dates at a time. A decision that paid for a model
// call is committed at once, with everything before it, so a killed evaluation never pays twice for it.
// A crash loses at most the free dates since the last commit, which a resume decides again for nothing.

export const FREE_DATES_PER_COMMIT = 16

export interface CommitBatch {
  /** Queue one date's writes; commits the queue when `now` or full. Returns whether it committed. */
  add(write: () => void, now: boolean): boolean
  /** Commit whatever is queued (at the end, on cancel, stop or failure). */
  flush(): boolean
}

export function commitBatch(db: Db, size = FREE_DATES_PER_COMMIT): CommitBatch {
  const queued: (() => void)[] = []
  const flush = () => {
    if (queued.length === 0) return false
    const writes = queued.splice(0)
    db.transaction(() => {
      for (const w of writes) w()
    })
    return true
  }
  return {
    add(write, now) {
      queued.push(write)
      return now || queued.length >= size ? flush() : false
    },
    flush,
  }
}
