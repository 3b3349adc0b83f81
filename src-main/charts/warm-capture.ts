import { ChartImageSpec } from '../contract/charts'
import type { ChartCapture } from './capture'

// The resilience both chart capture hosts share (web host: Chromium over a pipe; desktop: an offscreen
// window): one warm drawing surface, one capture at a time, the surface relaunched when it has died or
// has drawn `recycleAfter` charts (its memory creeps up over thousands of them), and a capture the
// surface died under asked once more on a fresh one. Any other error stands, and the next capture still works.

/** Charts one surface draws before it is replaced: Chromium's memory creeps up over thousands of them. */
export const RECYCLE_AFTER = 500

/** How to start, check, draw on and dispose of one warm drawing surface (a browser page, a window). */
export interface WarmSurface<T> {
  /** A surface ready to draw, or an error that says what went wrong. */
  launch(): Promise<T>
  /** False once the surface has died (process gone, window destroyed, renderer crashed). */
  alive(surface: T): boolean
  dispose(surface: T): Promise<void>
  /** PNG bytes of this validated spec drawn on the surface. */
  draw(surface: T, spec: ChartImageSpec): Promise<Buffer>
  /** Charts drawn on one surface before it is replaced by a fresh one. */
  recycleAfter: number
}

/** A capture on a surface launched now; rejects (having launched nothing that stays up) if it cannot start. */
export async function startWarmCapture<T>(surface: WarmSurface<T>): Promise<ChartCapture> {
  if (!Number.isInteger(surface.recycleAfter) || surface.recycleAfter < 1)
    throw new Error(`Chart capture: recycleAfter must be a whole number ≥ 1, not ${surface.recycleAfter}`)
  let warm: { surface: T; captures: number } | null = { surface: await surface.launch(), captures: 0 }
  let closed = false
  let queue: Promise<unknown> = Promise.resolve()

  /** The warm surface, relaunched when it has died or has drawn `recycleAfter` charts. */
  const ready = async () => {
    if (warm && surface.alive(warm.surface) && warm.captures < surface.recycleAfter) return warm
    const why = !warm
      ? 'its last launch failed'
      : surface.alive(warm.surface)
        ? `it had drawn ${warm.captures} charts`
        : 'it died'
    if (warm) {
      const old = warm.surface
      warm = null
      // The surface is being replaced: failing to tear it down must not stop the capture.
      await surface.dispose(old).catch(() => undefined)
    }
    try {
      warm = { surface: await surface.launch(), captures: 0 }
    } catch (e) {
      throw new Error(
        `Chart capture could not relaunch its drawing surface (replaced because ${why}): ` +
          `${e instanceof Error ? e.message : String(e)}`,
        { cause: e },
      )
    }
    return warm
  }

  const drawOn = async (w: { surface: T; captures: number }, spec: ChartImageSpec) => {
    w.captures++
    return surface.draw(w.surface, spec)
  }

  const drawRetryingOnce = async (spec: ChartImageSpec) => {
    const w = await ready()
    try {
      return await drawOn(w, spec)
    } catch (e) {
      // A surface that died under this capture is replaced and asked once more; any other error stands.
      if (surface.alive(w.surface)) throw e
      return drawOn(await ready(), spec)
    }
  }

  return {
    async capture(spec) {
      const valid = ChartImageSpec.parse(spec)
      if (closed) throw new Error('Chart capture is closed')
      const next = queue.then(() => drawRetryingOnce(valid))
      queue = next.catch(() => undefined)
      return next
    },
    async close() {
      closed = true
      await queue
      const last = warm
      warm = null
      if (last) await surface.dispose(last.surface)
    },
  }
}
