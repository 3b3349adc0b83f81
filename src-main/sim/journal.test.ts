import { afterEach, describe, expect, it } from 'vitest'
import { appendJournal, type JournalEntry } from './limits'
import { startSimGateway, type SimGateway } from './server'
import { simCaller } from './test-client'

const sims: SimGateway[] = []
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()))
})

const entry = (n: number): JournalEntry => ({
  at: n,
  method: 'GET',
  path: `/p/${n}`,
  template: '/p/{n}',
  query: '',
  body: null,
  status: 200,
})

describe('simulator request journal bound', () => {
  it('keeps the newest entries, never more than the limit plus one batch', () => {
    const j: JournalEntry[] = []
    for (let n = 0; n < 1000; n++) {
      appendJournal(j, entry(n), 100)
      expect(j.length).toBeLessThanOrEqual(164)
      expect(j.length).toBeGreaterThanOrEqual(Math.min(n + 1, 100))
      expect(j.at(-1)!.at).toBe(n)
    }
    expect(j.map((e) => e.at)).toEqual(Array.from({ length: j.length }, (_, i) => 1000 - j.length + i))
  })

  it('keeps nothing at limit 0 and everything without a limit', () => {
    const none: JournalEntry[] = []
    const all: JournalEntry[] = []
    for (let n = 0; n < 500; n++) {
      appendJournal(none, entry(n), 0)
      appendJournal(all, entry(n), Infinity)
    }
    expect(none).toEqual([])
    expect(all).toHaveLength(500)
  })

  it('a simulator started with journalLimit journals only its newest requests', async () => {
    const sim = await startSimGateway({ seed: 7, clock: 'virtual', journalLimit: 2 })
    sims.push(sim)
    const { call } = simCaller(sim)
    for (let i = 0; i < 9; i++) await call('POST', '/tickle')
    await call('GET', '/portfolio/accounts')
    const journal = sim.control.journal()
    expect(journal.length).toBeGreaterThanOrEqual(2)
    expect(journal.length).toBeLessThanOrEqual(4)
    expect(journal.at(-1)!.template).toBe('/portfolio/accounts')
  })
})
