import { describe, expect, it } from 'vitest'
import { createRpcClient, RpcCallError } from '../contract/client'
import type { HostFrame } from '../contract/wire'
import { MAX_FRAME_BYTES } from '../contract/wire'
import { spyHandlers } from '../../tests/fixtures/handlers'
import { createDispatcher } from './dispatcher'
import { createEventBus } from './event-bus'
import { inProcessTransport } from './in-process'
import { createRpcServer } from './server'

function setup() {
  const { handlers } = spyHandlers({
    'system.health': () => ({
      ok: true,
      version: '1',
      gateway: { url: 'sim', state: 'offline' as const },
      db: 'ok' as const,
      host: 'test' as const,
      startedAt: 0,
      dataDir: '/d',
    }),
    'gateway.status': () => ({
      state: 'authenticated' as const,
      account: 'DU1',
      paper: true,
      url: 'sim',
      detail: '',
      loginUrl: null,
      checkedAt: 1,
    }),
  })
  const bus = createEventBus({ validate: true })
  const server = createRpcServer(createDispatcher(handlers), bus)
  return { bus, server }
}

const tick = () => new Promise((r) => setTimeout(r, 0))

describe('rpc server over the in-process transport', () => {
  it('round-trips typed calls', async () => {
    const { server } = setup()
    const client = createRpcClient(inProcessTransport(server))
    const s = await client.call('gateway.status', {})
    expect(s.state).toBe('authenticated')
  })

  it('rejects a bad call with RpcCallError(BAD_INPUT)', async () => {
    const { server } = setup()
    const client = createRpcClient(inProcessTransport(server))
    // @ts-expect-error deliberately wrong payload
    const err = await client.call('gateway.status', { x: 1 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RpcCallError)
    expect((err as RpcCallError).code).toBe('BAD_INPUT')
  })

  it('fans events out to subscribers only, and stops after unsubscribe', async () => {
    const { server, bus } = setup()
    const a = createRpcClient(inProcessTransport(server))
    const b = createRpcClient(inProcessTransport(server))
    const gotA: string[][] = []
    const gotB: string[][] = []
    const offA = a.on('db.changed', (d) => gotA.push(d.tables))
    b.on('gateway.status', () => gotB.push(['status']))
    bus.emit('db.changed', { tables: ['settings'] })
    await tick()
    expect(gotA).toEqual([['settings']])
    expect(gotB).toEqual([])
    offA()
    bus.emit('db.changed', { tables: ['runs'] })
    await tick()
    expect(gotA).toEqual([['settings']])
  })

  it('answers malformed, oversized and unknown frames with errors', async () => {
    const { server } = setup()
    const out: HostFrame[] = []
    const conn = server.connect((f) => out.push(f))
    conn.receive('not json')
    conn.receive(JSON.stringify({ t: 'call', id: 9, m: 'system.health' }))
    conn.receive('x'.repeat(MAX_FRAME_BYTES + 1))
    conn.receive(JSON.stringify({ t: 'sub', ev: 'no.such' }))
    await tick()
    expect(out.map((f) => f.t === 'err' && f.e.code)).toEqual(['BAD_INPUT', 'BAD_INPUT', 'BAD_INPUT', 'NOT_FOUND'])
    expect(out[1]).toMatchObject({ id: 9 })
  })

  it('refuses to send a frame over the outgoing cap: the caller gets a clear error, an event is dropped', async () => {
    const { handlers } = spyHandlers({ 'review.list': () => [{ id: 'x'.repeat(4096) }] })
    const bus = createEventBus()
    const oversize: [string, number][] = []
    const server = createRpcServer(createDispatcher(handlers), bus, {
      maxOutBytes: 2048,
      onOversize: (what, bytes) => oversize.push([what, bytes]),
    })
    const out: HostFrame[] = []
    const conn = server.connect((f) => out.push(f))
    conn.receive(JSON.stringify({ t: 'call', id: 3, m: 'review.list', p: {} }))
    conn.receive(JSON.stringify({ t: 'sub', ev: 'db.changed' }))
    await tick()
    bus.emit('db.changed', { tables: ['t'.repeat(4096)] })
    bus.emit('db.changed', { tables: ['small'] })
    expect(out).toHaveLength(2)
    expect(out[0]).toMatchObject({ t: 'err', id: 3, e: { code: 'UNAVAILABLE' } })
    expect((out[0] as { e: { message: string } }).e.message).toMatch(/over the 2048-byte frame limit: nothing was sent/)
    expect(out[1]).toEqual({ t: 'ev', ev: 'db.changed', d: { tables: ['small'] } })
    expect(oversize.map(([w]) => w)).toEqual(['reply to call 3', 'event db.changed'])
  })

  it('sends nothing to a closed connection', async () => {
    const { server, bus } = setup()
    const out: HostFrame[] = []
    const conn = server.connect((f) => out.push(f))
    conn.receive(JSON.stringify({ t: 'sub', ev: 'db.changed' }))
    conn.close()
    bus.emit('db.changed', { tables: ['x'] })
    expect(out).toEqual([])
    expect(server.connections()).toBe(0)
  })

  it('validates events against their schema when strict', () => {
    const { bus } = setup()
    // `tables` must name at least one table: a type allows [], the schema does not.
    expect(() => bus.emit('db.changed', { tables: [] })).toThrow()
  })
})
