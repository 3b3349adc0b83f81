import { createHash } from 'node:crypto'
import { putArtifact } from '../../store/artifacts'
import type { Db } from '../../store/db'
import type { StepContext } from '../run-recorder'
import type { StepIo } from '../steps/types'

// A recorded decision's writes to the main store (its artifacts, the answer it caches) are held while its
// steps run and written together in one transaction: one sync of the store per decision date instead of
// one per artifact (the store syncs every commit). The step rows list each artifact's hash as it is made.

export interface HeldWrites {
  /** The step's io: hashes now, stores at commit. */
  io(ctx: StepContext): StepIo
  hold(write: () => void): void
  /** Write everything held, and `extra` (the caller's own rows), in one transaction. */
  commit(extra?: () => void): void
}

export function heldWrites(d: { db: Db; dataDir: string; now: () => number }): HeldWrites {
  const later: (() => void)[] = []
  return {
    io: (ctx) => ({
      artifact(content, kind, mime) {
        const sha256 = createHash('sha256').update(content).digest('hex')
        later.push(() => void putArtifact(d.db, d.dataDir, content, kind, mime, d.now(), sha256))
        ctx.artifact(sha256)
        return sha256
      },
      partial: (output) => ctx.partial(output),
    }),
    hold: (write) => void later.push(write),
    commit(extra) {
      if (later.length === 0 && !extra) return
      d.db.transaction(() => {
        for (const w of later.splice(0)) w()
        extra?.()
      })
    },
  }
}
