import { createHash } from 'node:crypto'
import { artifactPath, recordArtifact, writeArtifactFile } from '../../store/artifacts'
import type { Db } from '../../store/db'
import type { StepContext } from '../run-recorder'
import { contentBytes, type StepIo } from '../steps/types'

// A recorded decision's writes to the main store (its artifacts, the answer it caches) are held while its
// steps run and written together in one transaction with the caller's rows: one sync of the store for many
// decision dates instead of one per artifact (the store syncs every commit). Artifact files are written off
// the main thread as soon as they are made; a row is written only once its file is on disk. The step rows
// list each artifact's hash as it is made.

export interface HeldWrites {
  /** The step's io: hashes now, starts writing the file, records the row at commit. */
  io(ctx: StepContext): StepIo
  hold(write: () => void): void
  /** Resolves once every artifact file is on disk; rejects with the first write that failed. */
  ready(): Promise<void>
  /** Write the held rows of artifacts whose file is on disk, the held writes and `extra`, in one transaction. */
  commit(extra?: () => void): void
}

export function heldWrites(d: { db: Db; dataDir: string; now: () => number }): HeldWrites {
  const rows: (() => void)[] = []
  const files: Promise<void>[] = []
  let failure: { error: unknown } | null = null
  return {
    io: (ctx) => ({
      artifact(lazy, kind, mime) {
        const content = contentBytes(lazy)
        const sha256 = createHash('sha256').update(content).digest('hex')
        const path = artifactPath(sha256, mime)
        let written = false
        files.push(
          writeArtifactFile(d.dataDir, path, content).then(
            () => void (written = true),
            (error: unknown) => void (failure ??= { error }),
          ),
        )
        rows.push(() => {
          if (written) recordArtifact(d.db, { sha256, kind, mime, bytes: content.length, path, at: d.now() })
        })
        ctx.artifact(sha256)
        return sha256
      },
      partial: (output) => ctx.partial(output),
    }),
    hold: (write) => void rows.push(write),
    async ready() {
      await Promise.all(files)
      if (failure) throw failure.error
    },
    commit(extra) {
      if (rows.length === 0 && !extra) return
      d.db.transaction(() => {
        for (const w of rows.splice(0)) w()
        extra?.()
      })
    },
  }
}
