import { describe, expect, it } from 'vitest'
import { read, sourceFiles } from './source-files'

// Files by responsibility (STYLE.md): no source file over 400 lines, no line over 120 characters,
// in every folder of code we write. Prettier wraps code at 120; strings and comments are wrapped by
// hand (split strings into concatenated pieces, never change their value).

const DIRS = ['src-main', 'src-renderer', 'src-preload', 'tests', 'scripts', 'bench']
const EXTS = ['.ts', '.tsx', '.mjs', '.js']
const MAX_LINES = 400
const MAX_WIDTH = 120

const files = DIRS.flatMap((d) => sourceFiles(d, EXTS))
const lineCount = (f: string) => read(f).replace(/\n$/, '').split('\n').length

describe('source size', () => {
  it('keeps every source file under 400 lines', () => {
    const offenders = files
      .map((f) => ({ f, n: lineCount(f) }))
      .filter(({ n }) => n > MAX_LINES)
      .map(({ f, n }) => `${f}: ${n} lines`)
    expect(offenders).toEqual([])
  })

  it('keeps every line within 120 characters', () => {
    const offenders = files.flatMap((f) =>
      read(f)
        .split('\n')
        .flatMap((l, i) => (l.length > MAX_WIDTH ? [`${f}:${i + 1} (${l.length})`] : [])),
    )
    expect(offenders).toEqual([])
  })
})
