import { dirname, join, normalize } from 'node:path'
import { describe, expect, it } from 'vitest'
import { importsOf, read, sourceFiles } from './source-files'

// The same rules as eslint.config.mjs, checked by scanning imports so they hold even if lint is
// misconfigured (STYLE.md pattern 7).
const isTest = (f: string) => /\.test\.tsx?$/.test(f)
const resolveRel = (from: string, spec: string) => (spec.startsWith('.') ? normalize(join(dirname(from), spec)) : spec)
const NODE_IO =
  /^(node:)?(fs|fs\/promises|net|http|https|child_process|dgram|tls|worker_threads|cluster|dns|os|path|readline)$/

// The floors of src-main, lowest first (docs/architecture.md). A file may import from its own floor
// or any floor below, never from one above. Adapters are siblings: one adapter does not import
// another, except for the named exceptions.
const FLOORS: readonly (readonly string[])[] = [
  ['contract'],
  ['domain'],
  // Plumbing every adapter may use: typed RPC errors and the event bus, injectable timers, crash points.
  ['rpc', 'timers', 'crash-points'],
  ['broker', 'llm', 'store', 'charts', 'sim'],
  ['engine'],
  // review-mode: the review-only shell that starts the app on demand (a composition root too).
  ['handlers', 'app', 'review-mode'],
  ['hosts'],
]
const ADAPTERS = new Set(FLOORS[3])
/** Allowed imports between adapters: `from -> to` module prefixes, each with why. */
const ADAPTER_EXCEPTIONS: readonly { from: string; to: string; why: string }[] = [
  {
    from: 'src-main/sim/',
    to: 'src-main/broker/ibkr/cpapi-limits',
    why: 'the simulator imitates the IBKR gateway and enforces the same published pacing limits',
  },
]
/** The part of src-main a file belongs to: its top folder, or its own name for a top-level file. */
const partOf = (f: string) => f.split('/')[1]!.replace(/\.tsx?$/, '')
const floorOf = (part: string) => FLOORS.findIndex((parts) => parts.includes(part))

describe('layering', () => {
  it('places every part of src-main on a floor', () => {
    const unplaced = [...new Set(sourceFiles('src-main').map(partOf))].filter((p) => floorOf(p) < 0)
    expect(unplaced).toEqual([])
  })

  it('never imports from a higher floor, nor between adapters outside the named exceptions', () => {
    const offenders: string[] = []
    for (const f of sourceFiles('src-main').filter((f) => !isTest(f))) {
      const from = partOf(f)
      for (const s of importsOf(f)) {
        const target = resolveRel(f, s)
        if (!target.startsWith('src-main/')) continue
        const to = partOf(target)
        if (to === from) continue
        const up = floorOf(to) > floorOf(from)
        const sideways =
          ADAPTERS.has(from) &&
          ADAPTERS.has(to) &&
          !ADAPTER_EXCEPTIONS.some((e) => f.startsWith(e.from) && target.startsWith(e.to))
        if (up || sideways) offenders.push(`${f} -> ${s}`)
      }
    }
    expect(offenders).toEqual([])
  })

  it('keeps the two hosts apart: the Electron host and the web host do not import each other', () => {
    const offenders = sourceFiles('src-main/hosts').flatMap((f) =>
      importsOf(f)
        .map((s) => resolveRel(f, s))
        .filter(
          (t) =>
            (f.startsWith('src-main/hosts/electron/') && t.startsWith('src-main/hosts/web/')) ||
            (f.startsWith('src-main/hosts/web/') && t.startsWith('src-main/hosts/electron/')),
        )
        .map((t) => `${f} -> ${t}`),
    )
    expect(offenders).toEqual([])
  })

  it('keeps run steps free of the recorder: engine/steps imports no run recorder, executor or replay', () => {
    const offenders = sourceFiles('src-main/engine/steps').flatMap((f) =>
      importsOf(f)
        .filter((s) => /(run-recorder|executor|replay|run-environment)$/.test(resolveRel(f, s)))
        .map((s) => `${f} -> ${s}`),
    )
    expect(offenders).toEqual([])
  })

  it('imports electron only in src-main/hosts/electron and the preload', () => {
    const offenders = [...sourceFiles('src-main'), ...sourceFiles('src-renderer')]
      .filter((f) => !f.startsWith('src-main/hosts/electron/'))
      .filter((f) =>
        importsOf(f).some((s) => s === 'electron' || s.startsWith('electron/') || s === '@electron/remote'),
      )
    expect(offenders).toEqual([])
  })

  it('keeps src-main/domain free of I/O', () => {
    const offenders: string[] = []
    for (const f of sourceFiles('src-main/domain').filter((f) => !isTest(f))) {
      for (const s of importsOf(f)) {
        const target = resolveRel(f, s)
        if (
          NODE_IO.test(s) ||
          /^(better-sqlite3|drizzle-orm|undici|ws|openai|electron)/.test(s) ||
          /^src-main\/(store|broker|hosts|rpc|engine|sim|llm|charts)\//.test(target)
        ) {
          offenders.push(`${f} -> ${s}`)
        }
      }
    }
    expect(offenders).toEqual([])
  })

  it('lets the renderer import only src-main/contract, plus the pure indicator engine', () => {
    const offenders: string[] = []
    for (const f of sourceFiles('src-renderer')) {
      for (const s of importsOf(f)) {
        const target = resolveRel(f, s)
        if (
          target.startsWith('src-main/') &&
          !target.startsWith('src-main/contract/') &&
          target !== 'src-main/domain/indicators'
        )
          offenders.push(`${f} -> ${s}`)
      }
    }
    expect(offenders).toEqual([])
  })

  it('keeps contract files importing only zod and each other', () => {
    const offenders: string[] = []
    for (const f of sourceFiles('src-main/contract').filter((f) => !isTest(f))) {
      for (const s of importsOf(f)) {
        if (s !== 'zod' && !resolveRel(f, s).startsWith('src-main/contract/')) offenders.push(`${f} -> ${s}`)
      }
    }
    expect(offenders).toEqual([])
  })

  it('mentions window.bridge only in src-renderer/rpc.ts', () => {
    const offenders = sourceFiles('src-renderer').filter(
      (f) => f !== 'src-renderer/rpc.ts' && /window\.bridge/.test(read(f)),
    )
    expect(offenders).toEqual([])
  })
})
