import { randomBytes } from 'node:crypto'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  utimesSync,
} from 'node:fs'
import { basename, join } from 'node:path'
import { BUNDLE_EXT, ReviewId, type ReviewLibraryInfo } from '../contract/bundles-api'
import { DEFAULT_IMPORT_CAPS, type ImportCaps, type ImportPhase } from './bundle-import'
import { importInWorker } from './bundle-jobs'
import { BundleError } from './bundles-format'
import { openBundle } from './bundles-read'

// The review library (F20): bundles imported into DATA_DIR/review/<id>.wsbundle, where <id> is
// the start of the file's sha256 (importing the same bundle twice keeps one copy). A bundle is
// copied to a staging name first and the copy is what gets validated, so what is checked is what
// is kept; a bundle that fails leaves nothing behind. The live database is never involved. What is
// kept is a fresh copy the app wrote itself (bundle-import.ts); the imported file is never opened again.

export const REVIEW_DIR = 'review'
const LIBRARY_FILE = /^([0-9a-f]{24})\.wsbundle$/

/** The file of an imported bundle; refuses an id that is not one of ours (no path tricks). */
export function reviewLibraryFile(dataDir: string, id: string): string {
  if (!ReviewId.safeParse(id).success) throw new BundleError('invalid', `"${id}" is not a review library id.`)
  return join(dataDir, REVIEW_DIR, `${id}${BUNDLE_EXT}`)
}

export interface ImportOptions {
  caps?: ImportCaps
  timeoutMs?: number
  onProgress?: (phase: ImportPhase, done: number, total: number) => void
  signal?: AbortSignal
}

export const IMPORT_TIMEOUT_MS = 10 * 60_000

/**
 * Import a bundle into the review library: checked and copied into a fresh database of the app's
 * own schema by a worker thread (bundle-import.ts), then renamed into place. Messages name the
 * file by its base name only (no absolute paths in what the UI shows).
 */
export async function importBundle(
  dataDir: string,
  sourceFile: string,
  now: number,
  opts: ImportOptions = {},
): Promise<ReviewLibraryInfo> {
  const label = basename(sourceFile)
  if (!existsSync(sourceFile) || !statSync(sourceFile).isFile())
    throw new BundleError('not_found', `No bundle named ${label} was found.`)
  const dir = join(dataDir, REVIEW_DIR)
  const madeDir = !existsSync(dir)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const staged = join(dir, `.incoming-${randomBytes(6).toString('hex')}.partial`)
  try {
    const { sha256, meta } = await importInWorker(
      { sourceFile, destFile: staged, label, caps: opts.caps ?? DEFAULT_IMPORT_CAPS },
      { timeoutMs: opts.timeoutMs ?? IMPORT_TIMEOUT_MS, onProgress: opts.onProgress, signal: opts.signal },
    )
    const id = sha256.slice(0, 24)
    const file = reviewLibraryFile(dataDir, id)
    if (existsSync(file)) {
      rmSync(staged)
    } else {
      chmodSync(staged, 0o600)
      renameSync(staged, file)
      utimesSync(file, now / 1000, now / 1000)
    }
    return { id, bytes: statSync(file).size, importedAt: Math.round(statSync(file).mtimeMs), meta, error: null }
  } catch (e) {
    rmSync(staged, { force: true })
    if (madeDir && readdirSync(dir).length === 0) rmdirSync(dir)
    throw e
  }
}

/** Imported bundles, newest import first; one that no longer opens is listed with its error. */
export function listReviewLibraries(dataDir: string): ReviewLibraryInfo[] {
  const dir = join(dataDir, REVIEW_DIR)
  if (!existsSync(dir)) return []
  const out: ReviewLibraryInfo[] = []
  for (const name of readdirSync(dir)) {
    const id = LIBRARY_FILE.exec(name)?.[1]
    if (!id) continue
    const file = join(dir, name)
    const st = statSync(file)
    let info: Pick<ReviewLibraryInfo, 'meta' | 'error'>
    try {
      const lib = openBundle(file)
      info = { meta: lib.meta, error: null }
      lib.close()
    } catch (e) {
      info = { meta: null, error: e instanceof Error ? e.message : String(e) }
    }
    out.push({ id, bytes: st.size, importedAt: Math.round(st.mtimeMs), ...info })
  }
  return out.sort((a, b) => b.importedAt - a.importedAt || a.id.localeCompare(b.id))
}

export function removeReviewLibrary(dataDir: string, id: string): void {
  const file = reviewLibraryFile(dataDir, id)
  if (!existsSync(file)) throw new BundleError('not_found', `No review library ${id}.`)
  rmSync(file)
}
