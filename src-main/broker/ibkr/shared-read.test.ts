import { describe, expect, it } from 'vitest'
import { sharedRead } from './shared-read'

function reader(answers: (() => Promise<string[]>)[]) {
  let t = 0
  let calls = 0
  const read = sharedRead(
    () => t,
    5_500,
    () => answers[calls++]!(),
    (rows) => rows.length > 0,
  )
  return { read, calls: () => calls, at: (ms: number) => void (t = ms) }
}

describe('sharedRead', () => {
  it('lets concurrent callers share the read in flight and reuse its answer within the window', async () => {
    let answer!: (rows: string[]) => void
    const r = reader([() => new Promise((ok) => (answer = ok)), async () => ['second']])
    const a = r.read()
    const b = r.read()
    answer(['first'])
    expect(await a).toEqual(['first'])
    expect(await b).toEqual(['first'])
    r.at(5_499)
    expect(await r.read()).toEqual(['first'])
    expect(r.calls()).toBe(1)
    r.at(5_500)
    expect(await r.read()).toEqual(['second'])
    expect(r.calls()).toBe(2)
  })

  it('never hands a failed or empty answer to a later caller', async () => {
    const r = reader([async () => Promise.reject(new Error('502')), async () => [], async () => ['rows']])
    await expect(r.read()).rejects.toThrow('502')
    expect(await r.read()).toEqual([])
    expect(await r.read()).toEqual(['rows'])
    expect(r.calls()).toBe(3)
  })
})
