import { ReviewId } from '../contract/bundles-api'
import { openBundle, reviewLibraryFile } from '../store/bundles'
import { readArtifact } from '../store/artifacts'
import type { Db } from '../store/db'

/** An artifact's bytes by sha256: from the live store, or from an imported review library (read-only). */
export type ArtifactReader = (sha256: string, reviewId: string | null) => { mime: string; content: Buffer } | null

export function createArtifactReader(db: Db, dataDir: string): ArtifactReader {
  return (sha256, reviewId) => {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return null
    if (reviewId === null) return readArtifact(db, dataDir, sha256)
    if (!ReviewId.safeParse(reviewId).success) return null
    let lib
    try {
      lib = openBundle(reviewLibraryFile(dataDir, reviewId))
    } catch {
      return null
    }
    try {
      return lib.readArtifact(sha256)
    } finally {
      lib.close()
    }
  }
}
