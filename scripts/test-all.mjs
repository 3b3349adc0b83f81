// `npm test`: everything CI runs, in order. Build, type check and lint first; then vitest (unit,
// integration, static checks) and Playwright (e2e in Debian's Chromium), each writing a JSON
// report; last, one line `N passed, N failed` summed from those reports (STACK.md §9).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const reports = join(root, 'reports')
const bin = (name) => join(root, 'node_modules', '.bin', name)
mkdirSync(reports, { recursive: true })
for (const f of ['vitest.json', 'pw.json', 'summary.txt']) rmSync(join(reports, f), { force: true })

function step(name, cmd, args) {
  const started = Date.now()
  console.log(`\n=== ${name}: ${[cmd, ...args].join(' ')}`)
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } })
  const ok = r.status === 0
  console.log(
    `=== ${name}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s`,
  )
  return ok
}

// The static checks share nothing: two at a time (our machines have two cores), each one's output
// printed whole when it ends so the log stays readable.
function check(name, cmd, args) {
  const started = Date.now()
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, FORCE_COLOR: '0' } })
    const out = []
    child.stdout.on('data', (d) => out.push(d))
    child.stderr.on('data', (d) => out.push(d))
    child.on('close', (code, signal) => {
      const ok = code === 0
      console.log(`\n=== ${name}: ${[cmd, ...args].join(' ')}`)
      process.stdout.write(Buffer.concat(out))
      const took = ((Date.now() - started) / 1000).toFixed(1)
      console.log(`=== ${name}: ${ok ? 'ok' : `FAILED (exit ${code ?? signal})`} in ${took} s`)
      done(ok)
    })
  })
}

async function staticChecks() {
  const checks = [
    ['typecheck main', bin('tsc'), ['--noEmit', '-p', 'tsconfig.node.json']],
    ['typecheck renderer', bin('tsc'), ['--noEmit', '-p', 'tsconfig.web.json']],
    ['typecheck e2e', bin('tsc'), ['--noEmit', '-p', 'tsconfig.e2e.json']],
    ['lint', bin('eslint'), ['--max-warnings', '0', '.']],
    ['format', bin('prettier'), ['--check', '--log-level', 'warn', '.']],
  ]
  const failures = []
  const queue = [...checks]
  const lane = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) if (!(await check(...c))) failures.push(`${c[0]}`)
  }
  await Promise.all([lane(), lane()])
  return failures
}

const failedChecks = []
if (!step('build', bin('electron-vite'), ['build'])) failedChecks.push('build')
if (failedChecks.length === 0) failedChecks.push(...(await staticChecks()))
const vitestOk = failedChecks.includes('build')
  ? false
  : step('vitest', bin('vitest'), [
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${join(reports, 'vitest.json')}`,
    ])
const pwOk = failedChecks.includes('build') ? false : step('playwright', bin('playwright'), ['test'])

let passed = 0
let failed = failedChecks.length
const problems = failedChecks.map((c) => `${c} failed`)
function readReport(file, runnerOk, count, name) {
  const path = join(reports, file)
  if (!existsSync(path)) {
    failed++
    problems.push(`${name} wrote no report`)
    return
  }
  const [p, f] = count(JSON.parse(readFileSync(path, 'utf8')))
  passed += p
  failed += f
  if (!runnerOk && f === 0) {
    failed++
    problems.push(`${name} exited non-zero without a failing test (crash or collection error)`)
  }
}
readReport('vitest.json', vitestOk, (r) => [r.numPassedTests, r.numFailedTests], 'vitest')
readReport('pw.json', pwOk, (r) => [r.stats.expected + r.stats.flaky, r.stats.unexpected], 'playwright')

const summary = `${passed} passed, ${failed} failed`
writeFileSync(join(reports, 'summary.txt'), summary + '\n')
if (problems.length) console.log(`\nProblems: ${problems.join('; ')}`)
console.log(summary)
process.exit(failed === 0 ? 0 : 1)
