import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { api, METHODS } from '../contract/api'
import type { Health, SettingsView } from '../contract/models'
import { spyHandlers } from '../../tests/fixtures/handlers'
import { createDispatcher } from './dispatcher'
import { RpcError } from './errors'

const health: Health = {
  ok: true,
  version: '0.0.0',
  gateway: { url: 'sim', state: 'offline' },
  db: 'ok',
  host: 'test',
  startedAt: 0,
  dataDir: '/tmp/x',
}
const view: SettingsView = {
  gateway: { value: 'sim', source: 'default', stored: null, overriddenBy: null },
  account: { value: null, source: 'default', stored: null, overriddenBy: null },
  llmBaseUrl: { value: null, source: 'default', stored: null, overriddenBy: null },
  llmModel: { value: 'm', source: 'default', stored: null, overriddenBy: null },
  llmApiKey: { set: false, source: null, storage: null },
  dataDir: { value: '/tmp/x', source: 'flag' },
}

function setup() {
  const { handlers, spies, bodiesRun } = spyHandlers({
    'system.health': () => health,
    'settings.get': () => view,
    'settings.update': () => view,
    'gateway.status': () => ({
      state: 'offline' as const,
      account: null,
      paper: null,
      url: 'sim',
      detail: 'x',
      loginUrl: null,
      checkedAt: 0,
    }),
  })
  return { handlers, spies, bodiesRun }
}

describe('dispatcher', () => {
  it('runs a valid call and returns ok', async () => {
    const { handlers } = setup()
    const d = createDispatcher(handlers, { validateOutputs: true })
    expect(await d.dispatch(1, 'system.health', {})).toEqual({ t: 'ok', id: 1, r: health })
  })

  it('answers BAD_INPUT with the zod issues and runs no handler', async () => {
    const { handlers, bodiesRun } = setup()
    const d = createDispatcher(handlers)
    const r = await d.dispatch(2, 'settings.update', { gateway: 42 })
    expect(r.t).toBe('err')
    if (r.t !== 'err') return
    expect(r.e.code).toBe('BAD_INPUT')
    expect(r.e.message).toContain('gateway')
    expect(Array.isArray(r.e.details)).toBe(true)
    expect(bodiesRun()).toBe(0)
  })

  it('answers NOT_FOUND for unknown and prototype method names', async () => {
    const { handlers, bodiesRun } = setup()
    const d = createDispatcher(handlers)
    for (const m of ['nope.nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const r = await d.dispatch(3, m, {})
      expect(r.t === 'err' && r.e.code).toBe('NOT_FOUND')
    }
    expect(bodiesRun()).toBe(0)
  })

  it('passes RpcError codes through and hides stacks of unexpected errors', async () => {
    const { handlers, spies } = setup()
    spies['settings.get'].mockImplementation(() => {
      throw new RpcError('CONFLICT', 'busy')
    })
    spies['system.health'].mockImplementation(() => {
      throw new Error('disk on fire')
    })
    const internal = vi.fn()
    const d = createDispatcher(handlers, { onInternalError: internal })
    expect(await d.dispatch(4, 'settings.get', {})).toEqual({
      t: 'err',
      id: 4,
      e: { code: 'CONFLICT', message: 'busy' },
    })
    const r = await d.dispatch(5, 'system.health', {})
    expect(r).toEqual({ t: 'err', id: 5, e: { code: 'INTERNAL', message: 'system.health failed: disk on fire' } })
    expect(JSON.stringify(r)).not.toContain('at ')
    expect(internal).toHaveBeenCalledOnce()
  })

  it('sends no absolute paths in error messages; the full error goes to the log', async () => {
    const { handlers } = spyHandlers({
      'system.health': () => {
        throw new Error("ENOENT: no such file or directory, open '/home/ana/.local/share/ibkr/db.sqlite'")
      },
    })
    const internal = vi.fn()
    const r = await createDispatcher(handlers, { onInternalError: internal }).dispatch(1, 'system.health', {})
    expect(r).toEqual({
      t: 'err',
      id: 1,
      e: { code: 'INTERNAL', message: "system.health failed: ENOENT: no such file or directory, open '…/db.sqlite'" },
    })
    expect((internal.mock.calls[0]![1] as Error).message).toContain('/home/ana/.local/share/ibkr/db.sqlite')
  })

  it('flags a handler result that breaks its output schema', async () => {
    const { handlers, spies } = setup()
    spies['system.health'].mockImplementation(() => ({ ok: 'yes' }) as unknown as Health)
    const d = createDispatcher(handlers, { validateOutputs: true })
    const r = await d.dispatch(6, 'system.health', {})
    expect(r.t === 'err' && r.e.code).toBe('INTERNAL')
  })

  it('drains: waits for running calls, then refuses new ones', async () => {
    const { handlers, spies } = setup()
    let release!: () => void
    spies['settings.get'].mockImplementation(
      () => new Promise<SettingsView>((ok) => (release = () => ok(view))) as unknown as SettingsView,
    )
    const d = createDispatcher(handlers)
    const running = d.dispatch(7, 'settings.get', {})
    await Promise.resolve()
    expect(d.inFlight()).toBe(1)
    let drained = false
    const drain = d.drain().then(() => (drained = true))
    const refused = await d.dispatch(8, 'system.health', {})
    expect(refused.t === 'err' && refused.e.code).toBe('UNAVAILABLE')
    expect(drained).toBe(false)
    release()
    await running
    await drain
    expect(drained).toBe(true)
  })

  it('runs no handler body for any invalid payload (fuzz, RELIABILITY.md T2)', async () => {
    const { handlers, bodiesRun } = setup()
    const d = createDispatcher(handlers)
    const hostile = fc.oneof(
      fc.anything(),
      fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'gateway', 'x'), fc.anything()),
      fc
        .record(
          { gateway: fc.oneof(fc.string({ maxLength: 3000 }), fc.double(), fc.constant(NaN)) },
          { requiredKeys: [] },
        )
        .map((r) => ({ ...r, extra: true })),
    )
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...METHODS), hostile, async (m, payload) => {
        const before = bodiesRun()
        const valid = api[m].input.safeParse(payload).success
        const r = await d.dispatch(1, m, payload)
        // A handler body runs exactly when the input is valid; anything else is BAD_INPUT.
        expect(bodiesRun()).toBe(before + (valid ? 1 : 0))
        if (!valid) expect(r.t === 'err' && r.e.code).toBe('BAD_INPUT')
      }),
      { numRuns: 3000, seed: 20261125 },
    )
  })
})
