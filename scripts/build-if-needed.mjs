// Build the app when out/ is missing or older than the sources, so `npm ci && npm run web` works
// on a clean clone and `npm run web` stays fast afterwards.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const outputs = [
  'out/main/web.js',
  'out/main/sim.js',
  'out/main/index.js',
  'out/preload/index.js',
  'out/renderer/index.html',
].map((p) => join(root, p))
const sources = ['src-main', 'src-preload', 'src-renderer', 'package.json', 'electron.vite.config.ts']

function newest(path) {
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let max = 0
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)))
  return max
}

const built = outputs.every((p) => existsSync(p)) ? Math.min(...outputs.map((p) => statSync(p).mtimeMs)) : 0
const changed = Math.max(...sources.map((s) => newest(join(root, s))))
if (built >= changed) process.exit(0)

console.error('[build] sources changed since the last build; running electron-vite build…')
const r = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
  cwd: root,
  stdio: ['ignore', 2, 2],
})
process.exit(r.status ?? 1)
