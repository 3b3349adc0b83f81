import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { access, mkdir, rename, writeFile } from 'node:fs/promises'
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
): StoredArtifact {
  const sha256 = createHash('sha256').update(content).digest('hex')
  const path = artifactPath(sha256, mime)
  const file = join(dataDir, path)
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true })
    const temp = tempName(file)
    writeFileSync(temp, content)
    renameSync(temp, file)
  }
  recordArtifact(db, { sha256, kind, mime, bytes: content.length, path, at })
  return { sha256, bytes: content.length, path }
}

/** Where the artifact with this hash and type lives, relative to the data folder. */
export function artifactPath(sha256: string, mime: string): string {
  return join('artifacts', sha256.slice(0, 2), `${sha256}${EXT[mime] ?? ''}`)
}

let temps = 0
const tempName = (file: string) => `${file}.${process.pid}.${++temps}.tmp`

/**
 * The artifact's file alone, written off the main thread (the evaluation lab writes a decision's files while
 * it computes the next, and their rows with the decision); an existing file is left as it is.
 */
export async function writeArtifactFile(dataDir: string, path: string, content: Buffer): Promise<void> {
  const file = join(dataDir, path)
  if (await exists(file)) return
  await mkdir(dirname(file), { recursive: true })
  const temp = tempName(file)
  await writeFile(temp, content)
  await rename(temp, file)
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  )

/**
 * The artifact's row (its file is on disk). Writing existing bytes again refreshes `created_at`: retention keeps
 * unreferenced artifacts younger than its grace period, and a step about to reference this one must not lose it.
 */
export function recordArtifact(
  db: Db,
  a: { sha256: string; kind: ArtifactKind; mime: string; bytes: number; path: string; at: number },
): void {
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
  upsert.run(a)
}

export function readArtifact(db: Db, dataDir: string, sha256: string): { mime: string; content: Buffer } | null {
  const row = db.select().from(artifacts).where(eq(artifacts.sha256, sha256)).get()
  if (!row) return null
  const file = join(dataDir, row.path)
  return existsSync(file) ? { mime: row.mime, content: readFileSync(file) } : null
}
