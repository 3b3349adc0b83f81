import { dirname, join, normalize } from 'node:path'
import { describe, expect, it } from 'vitest'
import { importsOf, read, sourceFiles } from './source-files'

// The same rules as eslint.config.mjs, checked by scanning imports so they hold even if lint is
// misconfigured (STYLE.md pattern 7).
const isTest = (f: string) => /\.test\.tsx?$/.test(f)
const resolveRel = (from: string, spec: string) => (spec.startsWith('.') ? normalize(join(dirname(from), spec)) : spec)
const NODE_IO =
  /^(node:)?(fs|fs\/promises|net|http|https|child_process|dgram|tls|worker_threads|cluster|dns|os|path|readline)$/

describe('layering', () => {
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
