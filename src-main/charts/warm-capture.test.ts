import { describe, expect, it, vi } from 'vitest'
import type { ChartImageSpec } from '../contract/charts'
import { startWarmCapture, type WarmSurface } from './warm-capture'

// The shared capture resilience on fake surfaces: every launch, draw and disposal is recorded, and a
// test decides when a surface dies and when a draw answers.

interface Fake {
  id: number
  dead: boolean
  disposed: boolean
}

const spec = {
  title: 'AAPL · 1D',
  width: 1024,
  height: 640,
  bars: [{ t: 0, o: 1, h: 2, l: 0.5, c: 1.5, v: 10 }],
  indicators: [],
  levels: null,
}

/** Lets queued promise callbacks run (one turn of the event loop, no timer). */
const settle = () => new Promise<void>((ok) => setImmediate(ok))

function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok
    reject = fail
  })
  return { promise, resolve, reject }
}

function fakes(recycleAfter = 500) {
  const surfaces: Fake[] = []
  const log: string[] = []
  const surface = {
    launch: vi.fn(async () => {
      const s = { id: surfaces.length + 1, dead: false, disposed: false }
      surfaces.push(s)
      log.push(`launch ${s.id}`)
      return s
    }),
    alive: (s: Fake) => !s.dead,
    dispose: vi.fn(async (s: Fake) => {
      s.disposed = true
      log.push(`dispose ${s.id}`)
    }),
    draw: vi.fn(async (s: Fake, sp: ChartImageSpec): Promise<Buffer> => {
      log.push(`draw ${s.id}`)
      return Buffer.from(`png from ${s.id} at ${sp.width}`)
    }),
    recycleAfter,
  } satisfies WarmSurface<Fake>
  return { surface, surfaces, log }
}

describe('warm capture', () => {
  it('launches one surface up front and draws on it, one capture at a time', async () => {
    const { surface, log } = fakes()
    const gates = [deferred<Buffer>(), deferred<Buffer>()]
    let drawing = 0
    let most = 0
    surface.draw.mockImplementation(async (s) => {
      log.push(`draw ${s.id}`)
      most = Math.max(most, ++drawing)
      const png = await gates[surface.draw.mock.calls.length - 1]!.promise
      drawing--
      return png
    })
    const capture = await startWarmCapture(surface)
    expect(log).toEqual(['launch 1'])
    const a = capture.capture(spec)
    const b = capture.capture({ ...spec, width: 800 })
    await settle()
    expect(surface.draw).toHaveBeenCalledTimes(1) // the second waits for the first
    gates[0]!.resolve(Buffer.from('a'))
    expect((await a).toString()).toBe('a')
    await settle()
    expect(surface.draw).toHaveBeenCalledTimes(2)
    expect(surface.draw.mock.calls[1]![1].width).toBe(800)
    gates[1]!.resolve(Buffer.from('b'))
    expect((await b).toString()).toBe('b')
    expect(most).toBe(1)
    expect(log).toEqual(['launch 1', 'draw 1', 'draw 1'])
  })

  it('replaces the surface after recycleAfter charts', async () => {
    const { surface, surfaces, log } = fakes(2)
    const capture = await startWarmCapture(surface)
    const drawnBy = []
    for (let i = 0; i < 5; i++) drawnBy.push((await capture.capture(spec)).toString())
    expect(drawnBy).toEqual([1, 1, 2, 2, 3].map((id) => `png from ${id} at 1024`))
    expect(log).toEqual(
      ['launch 1', 'draw 1', 'draw 1', 'dispose 1', 'launch 2', 'draw 2', 'draw 2'].concat([
        'dispose 2',
        'launch 3',
        'draw 3',
      ]),
    )
    expect(surfaces.map((s) => s.disposed)).toEqual([true, true, false])
  })

  it('relaunches a surface that died between captures before drawing', async () => {
    const { surface, surfaces, log } = fakes()
    const capture = await startWarmCapture(surface)
    surfaces[0]!.dead = true
    expect((await capture.capture(spec)).toString()).toBe('png from 2 at 1024')
    expect(log).toEqual(['launch 1', 'dispose 1', 'launch 2', 'draw 2'])
  })

  it('asks once more on a fresh surface when the surface dies under a capture', async () => {
    const { surface, log } = fakes()
    surface.draw.mockImplementationOnce(async (s) => {
      log.push(`draw ${s.id}`)
      s.dead = true
      throw new Error('Target closed')
    })
    const capture = await startWarmCapture(surface)
    expect((await capture.capture(spec)).toString()).toBe('png from 2 at 1024')
    expect(log).toEqual(['launch 1', 'draw 1', 'dispose 1', 'launch 2', 'draw 2'])
  })

  it('asks only once more: a second death under the same capture rejects it, and the next one relaunches', async () => {
    const { surface, log } = fakes()
    const dies = async (s: Fake) => {
      log.push(`draw ${s.id}`)
      s.dead = true
      throw new Error(`surface ${s.id} died`)
    }
    surface.draw.mockImplementationOnce(dies).mockImplementationOnce(dies)
    const capture = await startWarmCapture(surface)
    await expect(capture.capture(spec)).rejects.toThrow('surface 2 died')
    expect(log).toEqual(['launch 1', 'draw 1', 'dispose 1', 'launch 2', 'draw 2'])
    expect((await capture.capture(spec)).toString()).toBe('png from 3 at 1024')
    expect(surface.launch).toHaveBeenCalledTimes(3)
  })

  it('lets any other error stand, without a retry or a relaunch, and the next capture still works', async () => {
    const { surface, log } = fakes()
    surface.draw.mockRejectedValueOnce(new Error('The capture page returned no PNG'))
    const capture = await startWarmCapture(surface)
    await expect(capture.capture(spec)).rejects.toThrow('The capture page returned no PNG')
    expect(surface.draw).toHaveBeenCalledTimes(1)
    expect((await capture.capture(spec)).toString()).toBe('png from 1 at 1024')
    expect(log).toEqual(['launch 1', 'draw 1'])
  })

  it('rejects a failed relaunch with a clear error for that capture, and launches again for the next', async () => {
    const { surface, surfaces } = fakes()
    const capture = await startWarmCapture(surface)
    surfaces[0]!.dead = true
    surface.launch.mockRejectedValueOnce(new Error('no display'))
    const failed = capture.capture(spec)
    await expect(failed).rejects.toThrow(
      'Chart capture could not relaunch its drawing surface (replaced because it died): no display',
    )
    expect(surface.draw).not.toHaveBeenCalled()
    expect(surfaces[0]!.disposed).toBe(true)
    expect((await capture.capture(spec)).toString()).toBe('png from 2 at 1024')
  })

  it('says a surface being recycled failed to relaunch, and disposal failures do not stop the capture', async () => {
    const { surface } = fakes(1)
    const capture = await startWarmCapture(surface)
    await capture.capture(spec)
    surface.dispose.mockRejectedValueOnce(new Error('already gone'))
    surface.launch.mockRejectedValueOnce(new Error('out of memory'))
    await expect(capture.capture(spec)).rejects.toThrow('(replaced because it had drawn 1 charts): out of memory')
    expect((await capture.capture(spec)).toString()).toBe('png from 2 at 1024')
  })

  it('rejects when the first surface cannot start', async () => {
    const { surface } = fakes()
    surface.launch.mockRejectedValueOnce(new Error('Chromium not found'))
    await expect(startWarmCapture(surface)).rejects.toThrow('Chromium not found')
    await expect(startWarmCapture({ ...surface, recycleAfter: 0 })).rejects.toThrow('recycleAfter')
  })

  it('validates the spec before queueing: a bad one rejects at once, even behind a capture in flight', async () => {
    const { surface } = fakes()
    const gate = deferred<Buffer>()
    surface.draw.mockReturnValueOnce(gate.promise)
    const capture = await startWarmCapture(surface)
    const inFlight = capture.capture(spec)
    await expect(capture.capture({ ...spec, width: 1 })).rejects.toThrow()
    expect(surface.draw).toHaveBeenCalledTimes(1)
    gate.resolve(Buffer.from('ok'))
    expect((await inFlight).toString()).toBe('ok')
  })

  it('closes after the capture in flight, disposing the surface, and refuses captures after', async () => {
    const { surface, log } = fakes()
    const gate = deferred<Buffer>()
    surface.draw.mockReturnValueOnce(gate.promise)
    const capture = await startWarmCapture(surface)
    const inFlight = capture.capture(spec)
    let closed = false
    const closing = capture.close().then(() => (closed = true))
    await settle()
    expect(closed).toBe(false)
    expect(surface.dispose).not.toHaveBeenCalled()
    await expect(capture.capture(spec)).rejects.toThrow('Chart capture is closed')
    gate.resolve(Buffer.from('last'))
    expect((await inFlight).toString()).toBe('last')
    await closing
    expect(log).toEqual(['launch 1', 'dispose 1'])
    expect(surface.launch).toHaveBeenCalledTimes(1)
  })
})
