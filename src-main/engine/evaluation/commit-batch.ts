import type { Db } from '../../store/db'

// The store syncs every commit (synchronous=FULL), about a millisecond each: an evaluation commits its free
// decisions (the rules analyst's, cached answers) a few dates at a time. A decision that paid for a model
// call is committed at once, with everything before it, so a killed evaluation never pays twice for it.
// A crash loses at most the free dates since the last commit, which a resume decides again for nothing.
// Each date's writes wait for its artifact files (written off the main thread meanwhile); commits run in order.

export const FREE_DATES_PER_COMMIT = 16

export interface DateWrites {
  /** Resolves once the date's files are on disk (rejects if one could not be written). */
  ready(): Promise<void>
  /** The date's rows, run inside the batch's transaction. */
  write(): void
}

export interface CommitBatch {
  /** Queue one date's writes; commits the queue when `now` or full. Resolves to whether it committed. */
  add(date: DateWrites, now: boolean): Promise<boolean>
  /** Commit whatever is queued (at the end, on cancel, stop or failure). */
  flush(): Promise<boolean>
}

export function commitBatch(db: Db, size = FREE_DATES_PER_COMMIT): CommitBatch {
  const queued: DateWrites[] = []
  let last: Promise<boolean> = Promise.resolve(false)
  const commitQueued = async () => {
    const dates = queued.splice(0)
    if (dates.length === 0) return false
    // A file that could not be written fails the batch: none of its dates is recorded (a resume redoes them).
    await Promise.all(dates.map((x) => x.ready()))
    db.transaction(() => {
      for (const x of dates) x.write()
    })
    return true
  }
  const flush = () => (last = last.catch(() => false).then(commitQueued))
  return {
    add(date, now) {
      queued.push(date)
      return now || queued.length >= size ? flush() : Promise.resolve(false)
    },
    flush,
  }
}
