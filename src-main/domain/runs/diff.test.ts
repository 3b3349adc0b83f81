import { describe, expect, it } from 'vitest'
import { jsonDiff } from './diff'

describe('jsonDiff', () => {
  it('is empty for equal values and names each differing path', () => {
    expect(jsonDiff({ a: 1, b: [1, { c: 'x' }] }, { a: 1, b: [1, { c: 'x' }] })).toEqual([])
    expect(jsonDiff({ a: 1, b: [1, { c: 'x' }], d: null }, { a: 2, b: [1, { c: 'y' }, 3], e: true })).toEqual([
      { path: 'a', before: 1, after: 2 },
      { path: 'b[1].c', before: 'x', after: 'y' },
      { path: 'b[2]', before: undefined, after: 3 },
      { path: 'd', before: null, after: undefined },
      { path: 'e', before: undefined, after: true },
    ])
    expect(jsonDiff('a', 'b')).toEqual([{ path: '(root)', before: 'a', after: 'b' }])
    expect(jsonDiff([1], { 0: 1 })).toEqual([{ path: '(root)', before: [1], after: { 0: 1 } }])
  })
  it('caps the list', () => {
    const a = Array.from({ length: 500 }, (_, i) => i)
    expect(
      jsonDiff(
        a,
        a.map((x) => x + 1),
        50,
      ),
    ).toHaveLength(50)
  })
})
