import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { eq, sql } from 'drizzle-orm'
import type { Db } from './db'
import { prepared, slot } from './prepared'
import { artifacts } from './schema'

// Content-addressed artifacts (chart PNGs, raw prompts and answers, bar sets): files under
// DATA_DIR/artifacts/ab/abcdef….ext named by sha256, a row per file. Writing the same bytes twice
// is a no-op, so a re-rendered chart with identical pixels shares its file.

export type ArtifactKind = 'chart' | 'prompt' | 'llm_text' | 'bars' | 'indicators' | 'bundle'

const EXT: Record<string, string> = {
  'image/png': '.png',
  'application/json': '.json',
  'text/plain; charset=utf-8': '.txt',
}

export interface StoredArtifact {
  sha256: string
  bytes: number
  path: string
}

export function putArtifact(
  db: Db,
  dataDir: string,
  content: Buffer,
  kind: ArtifactKind,
  mime: string,
  at: number,
  /** The content's sha256 when the caller has just computed it (the lab hashes as it records). */
  knownSha256?: string,
): StoredArtifact {
  const sha256 = knownSha256 ?? createHash('sha256').update(content).digest('hex')
  const path = join('artifacts', sha256.slice(0, 2), `${sha256}${EXT[mime] ?? ''}`)
  const file = join(dataDir, path)
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true })
    const temp = `${file}.${process.pid}.tmp`
    writeFileSync(temp, content)
    renameSync(temp, file)
  }
  // Writing existing bytes again refreshes `created_at`: retention keeps unreferenced artifacts younger
  // than its grace period, and a step about to reference this one must not lose it in between.
  const upsert = prepared(db, 'putArtifact', () =>
    db
      .insert(artifacts)
      .values({
        sha256: slot('sha256'),
        kind: slot('kind'),
        mime: slot('mime'),
        bytes: slot('bytes'),
        path: slot('path'),
        createdAt: slot('at'),
      })
      .onConflictDoUpdate({
        target: artifacts.sha256,
        set: { createdAt: sql`max(${artifacts.createdAt}, excluded.created_at)` },
      })
      .prepare(),
  )
  upsert.run({ sha256, kind, mime, bytes: content.length, path, at })
  return { sha256, bytes: content.length, path }
}

export function readArtifact(db: Db, dataDir: string, sha256: string): { mime: string; content: Buffer } | null {
  const row = db.select().from(artifacts).where(eq(artifacts.sha256, sha256)).get()
  if (!row) return null
  const file = join(dataDir, row.path)
  return existsSync(file) ? { mime: row.mime, content: readFileSync(file) } : null
}
