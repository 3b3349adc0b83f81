import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'

/** Integration tests start the built hosts, so make sure the build is current. */
export default function setup(): void {
  // Focused runs of pure unit tests can skip it: IBKR_WS_SKIP_BUILD=1 npx vitest run src-main/domain
  if (process.env.IBKR_WS_SKIP_BUILD) return
  const root = resolve(__dirname, '..')
  const r = spawnSync(process.execPath, [resolve(root, 'scripts/build-if-needed.mjs')], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) throw new Error('Build failed; see the output above')
}
