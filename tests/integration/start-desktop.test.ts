import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

// `npm start` where the Electron binary cannot be had (these machines): exit 2 within seconds with one
// sentence naming `npm run web` and the variables to set, no stack trace, and nothing left running.

const ROOT = resolve(__dirname, '../..')
const LIMIT_MS = 30_000

function runStart(env: Record<string, string>): Promise<{ code: number | null; stderr: string; ms: number }> {
  const started = Date.now()
  const child = spawn(process.execPath, [join(ROOT, 'scripts/start-desktop.mjs')], {
    cwd: ROOT,
    // Its own process group, so a hang is killed with everything it started.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ELECTRON_OVERRIDE_DIST_PATH: '',
      // The download cache in a temp folder: the test never touches ~/.cache or node_modules/electron.
      electron_config_cache: mkdtempSync(join(tmpdir(), 'ibkr-ws-electron-cache-')),
      IBKR_WS_ELECTRON_INSTALL_TIMEOUT_MS: '20000',
      ...env,
    },
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  child.stdout.resume()
  return new Promise((ok) => {
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), LIMIT_MS)
    child.on('exit', (code) => {
      clearTimeout(timer)
      try {
        process.kill(-child.pid!, 'SIGKILL') // anything it left behind
      } catch {
        // the group is already gone
      }
      ok({ code, stderr, ms: Date.now() - started })
    })
  })
}

function expectOneSentence(stderr: string) {
  const lines = stderr.trim().split('\n')
  expect(lines, stderr).toHaveLength(1)
  expect(stderr).not.toMatch(/^\s+at /m)
  expect(stderr).toContain('The desktop app needs the Electron 45.4.1 binary')
  expect(stderr).toContain('`npm run web`')
  expect(stderr).toContain('ELECTRON_MIRROR')
  expect(stderr).toContain('ELECTRON_OVERRIDE_DIST_PATH')
  expect(lines[0]!.match(/\.\s+[A-Z]/g)).toBeNull()
}

describe('npm start without an Electron binary', () => {
  it('exits 2 quickly with one sentence when the mirror cannot be reached', async () => {
    const r = await runStart({ ELECTRON_MIRROR: 'http://127.0.0.1:9/' })
    expect(r.code).toBe(2)
    expectOneSentence(r.stderr)
    expect(r.stderr).toMatch(/could not be downloaded \([^)]+\)/)
    expect(r.ms).toBeLessThan(LIMIT_MS)
  })

  it('names the override variable when it points at no Electron', async () => {
    const r = await runStart({ ELECTRON_OVERRIDE_DIST_PATH: join(tmpdir(), 'no-electron-here') })
    expect(r.code).toBe(2)
    expectOneSentence(r.stderr)
    expect(r.stderr).toContain('(ELECTRON_OVERRIDE_DIST_PATH has no electron)')
  })
})
