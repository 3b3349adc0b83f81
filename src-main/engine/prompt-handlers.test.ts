import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { spyHandlers } from '../../tests/fixtures/handlers'
import { METHODS } from '../contract/api'
import { promptMethods } from '../contract/prompts-api'
import { createDispatcher } from '../rpc/dispatcher'
import { createEventBus } from '../rpc/event-bus'
import { openStore, type Store } from '../store/db'
import { createPromptHandlers, PROMPT_METHODS } from './prompt-handlers'
import { createPromptService } from './prompts'
import { seedDefaultPrompts } from './prompts-seed'

const stores: Store[] = []
afterEach(() => stores.splice(0).forEach((s) => s.close()))

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-prompt-rpc-'))
  const store = await openStore({
    file: join(dir, 'db.sqlite'),
    migrationsDir: resolve(__dirname, '../../migrations'),
    backupDir: join(dir, 'b'),
  })
  stores.push(store)
  await seedDefaultPrompts(store.db, 1)
  const svc = createPromptService({ db: store.db, bus: createEventBus({ validate: true }), now: () => 2, llm: null })
  const { handlers } = spyHandlers(createPromptHandlers(svc))
  const d = createDispatcher(handlers, { validateOutputs: true })
  let id = 0
  const call = async (m: string, p: unknown) => {
    const f = await d.dispatch(++id, m, p)
    if (f.t === 'ok') return { ok: true as const, r: f.r as never }
    if (f.t === 'err') return { ok: false as const, e: f.e }
    throw new Error(`unexpected frame ${f.t}`)
  }
  return { call }
}

describe('prompt methods over the dispatcher', () => {
  it('are all in the api table, with a handler each', () => {
    expect(PROMPT_METHODS).toEqual(Object.keys(promptMethods))
    for (const m of PROMPT_METHODS) expect(METHODS).toContain(m)
    expect(PROMPT_METHODS).toEqual(expect.arrayContaining(['prompts.list', 'prompts.save', 'prompts.preview']))
  })

  it('list → history → save → restore round trip with outputs that match their schemas', async () => {
    const { call } = await setup()
    const list = await call('prompts.list', {})
    expect(list.ok).toBe(true)
    const combined = (list as { r: { id: string; purpose: string }[] }).r.find((t) => t.purpose === 'combined')!
    const saved = await call('prompts.save', {
      templateId: combined.id,
      system: 'Short.',
      body: '{{ symbol }} {{ price.last_close }}',
      note: ' tighter ',
      expectedVersion: 1,
    })
    expect(saved).toMatchObject({
      ok: true,
      r: { version: { version: 2, note: 'tighter', variables: ['price.last_close', 'symbol'] } },
    })
    const history = await call('prompts.history', { templateId: combined.id })
    expect((history as { r: { version: number }[] }).r.map((v) => v.version)).toEqual([2, 1])
    const v1 = (history as { r: { id: string }[] }).r[1]!.id
    expect(await call('prompts.restore', { versionId: v1 })).toMatchObject({
      ok: true,
      r: { version: { version: 3, note: 'restored from v1' } },
    })
    const vars = await call('prompts.variables', {})
    expect((vars as { r: { path: string }[] }).r.map((v) => v.path)).toContain('w.supertrend_dir')
  })

  it('refuses bad input before the service runs, and errors carry their code and problems', async () => {
    const { call } = await setup()
    expect(await call('prompts.save', { system: '', body: 'x', note: '' })).toMatchObject({
      ok: false,
      e: { code: 'BAD_INPUT', message: expect.stringContaining('Give either templateId') },
    })
    expect(await call('prompts.preview', { system: '', body: 'x'.repeat(20_001) })).toMatchObject({
      ok: false,
      e: { code: 'BAD_INPUT', message: expect.stringContaining('20,000 characters') },
    })
    expect(await call('prompts.list', { extra: 1 })).toMatchObject({ ok: false, e: { code: 'BAD_INPUT' } })
    expect(
      await call('prompts.save', { create: { name: ' ', purpose: 'daily' }, system: '', body: 'x', note: '' }),
    ).toMatchObject({
      ok: false,
      e: { code: 'BAD_INPUT', message: expect.stringContaining('Give the template a name') },
    })
    expect(
      await call('prompts.save', {
        create: { name: 'S', purpose: 'daily', scope: 'strategy' },
        system: '',
        body: 'x',
        note: '',
      }),
    ).toMatchObject({ ok: false, e: { code: 'BAD_INPUT', message: expect.stringContaining('needs its strategyId') } })
    const unknown = await call('prompts.save', {
      create: { name: 'N', purpose: 'daily' },
      system: '',
      body: '{{ secret }}',
      note: '',
    })
    expect(unknown).toMatchObject({
      ok: false,
      e: { code: 'BAD_INPUT', details: [{ field: 'body', variable: 'secret', line: 1, column: 4 }] },
    })
    expect(await call('prompts.test', { system: '', body: '{{ symbol }}' })).toMatchObject({
      ok: false,
      e: { code: 'UNAVAILABLE', message: expect.stringContaining('No language model is configured') },
    })
    expect(await call('prompts.history', { templateId: 'nope' })).toMatchObject({ ok: false, e: { code: 'NOT_FOUND' } })
  })
})
