// Record the sha256 of every migration in migrations/manifest.json. Run once when a new migration
// is added (`npm run migrations:seal`); a test then fails if any sealed file is edited later.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = new URL('../migrations/', import.meta.url).pathname
const manifestFile = join(dir, 'manifest.json')
const journal = JSON.parse(readFileSync(join(dir, 'meta', '_journal.json'), 'utf8'))
const manifest = existsSync(manifestFile) ? JSON.parse(readFileSync(manifestFile, 'utf8')) : { files: {} }

for (const { tag } of journal.entries) {
  const name = `${tag}.sql`
  const hash = createHash('sha256')
    .update(readFileSync(join(dir, name)))
    .digest('hex')
  if (manifest.files[name] && manifest.files[name] !== hash) {
    console.error(
      `${name} was edited after it was sealed. Shipped migrations are append-only: revert it and add a new migration.`,
    )
    process.exit(1)
  }
  manifest.files[name] = hash
}
writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n')
console.log(`sealed ${Object.keys(manifest.files).length} migration(s)`)
