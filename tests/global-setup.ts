import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'

/** Integration tests start the built hosts, so make sure the build is current. */
export default function setup(): void {
  const root = resolve(__dirname, '..')
  const r = spawnSync(process.execPath, [resolve(root, 'scripts/build-if-needed.mjs')], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) throw new Error('Build failed; see the output above')
}
