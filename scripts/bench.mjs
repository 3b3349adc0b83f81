// `npm run bench`: run every bench/*.bench.ts (each writes bench/results/<name>.json), then print
// one table of all results with their targets.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const only = process.argv.slice(2)
const build = spawnSync(process.execPath, [join(root, 'scripts/build-if-needed.mjs')], { cwd: root, stdio: 'inherit' })
if (build.status !== 0) process.exit(1)

const benches = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort()
let failures = 0
for (const file of benches) {
  console.log(`\n=== ${file}`)
  const r = spawnSync(join(root, 'node_modules/.bin/tsx'), [join('bench', file)], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) failures++
}

const rows = []
for (const file of benches) {
  const path = join(root, 'bench/results', file.replace('.bench.ts', '.json'))
  if (!existsSync(path)) continue
  const res = JSON.parse(readFileSync(path, 'utf8'))
  for (const [metric, value] of Object.entries(res.metrics)) {
    const t = res.targets.find((x) => x.metric === metric)
    const verdict = t ? ((t.op === '<=' ? value <= t.value : value >= t.value) ? 'ok' : 'MISS') : ''
    rows.push([res.name, metric, String(value), t ? `${t.op} ${t.value}` : '', verdict])
  }
}
const widths = [0, 1, 2, 3, 4].map((i) =>
  Math.max(...[['bench', 'metric', 'value', 'target', ''], ...rows].map((r) => r[i].length)),
)
const line = (r) => r.map((c, i) => (i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ')
console.log('\n' + line(['bench', 'metric', 'value', 'target', '']))
for (const r of rows) console.log(line(r))
process.exit(failures === 0 ? 0 : 1)
