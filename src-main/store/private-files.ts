import { chmodSync, existsSync, mkdirSync } from 'node:fs'

// The data folder holds the trading ledger, the lineage and the backups: readable by its owner only
// (issue #9, hole 5). The folder is 0700 (so nothing inside is reachable by other users) and the
// database files and backups are 0600 on their own too, so a copy elsewhere keeps its protection.

export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

/** Create `dir` (and parents) if needed and make it 0700, also when it already existed wider. */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  if (process.platform !== 'win32') chmodSync(dir, PRIVATE_DIR_MODE)
}

/** Make each existing file 0600 (missing ones, like a -shm not yet created, are skipped). */
export function privateFiles(...files: string[]): void {
  if (process.platform === 'win32') return
  for (const f of files) if (existsSync(f)) chmodSync(f, PRIVATE_FILE_MODE)
}
