import type { BrowserWindow } from 'electron'
import { pngFromDataUrl, type ChartCapture } from '../../charts/capture'
import { RECYCLE_AFTER, startWarmCapture } from '../../charts/warm-capture'
import { createCaptureWindow } from './window'

// Chart capture in the desktop app: the renderer's capture page in one warm offscreen window, replaced
// when its renderer process is gone or the window destroyed, and after `recycleAfter` charts.

interface CaptureWindow {
  win: BrowserWindow
  /** Rejects when the window's renderer process goes away or the window is closed; each draw races it. */
  gone: Promise<never>
  dead: boolean
}

export async function startElectronCapture(
  pageUrl = 'app://main/capture.html',
  opts: { recycleAfter?: number } = {},
): Promise<ChartCapture> {
  return startWarmCapture<CaptureWindow>({
    launch: () => openCaptureWindow(pageUrl),
    alive: (w) => !w.dead && !w.win.isDestroyed() && !w.win.webContents.isCrashed(),
    dispose: async ({ win }) => {
      if (!win.isDestroyed()) win.destroy()
    },
    // The spec crosses as a JSON literal: data, never code. A renderer that dies mid-capture may never
    // answer executeJavaScript, so the capture also ends when the window goes.
    draw: async ({ win, gone }, spec) =>
      pngFromDataUrl(
        String(
          await Promise.race([
            win.webContents.executeJavaScript(`window.captureChart(${JSON.stringify(spec)})`, true),
            gone,
          ]),
        ),
      ),
    recycleAfter: opts.recycleAfter ?? RECYCLE_AFTER,
  })
}

/** A fresh capture window with the capture page loaded, or a clear error (and no window left behind). */
async function openCaptureWindow(pageUrl: string): Promise<CaptureWindow> {
  const win = createCaptureWindow()
  let fail: (e: Error) => void = () => undefined
  const gone = new Promise<never>((_, f) => (fail = f))
  gone.catch(() => undefined) // observed by the draws' races; a window that goes between draws is only marked
  const w: CaptureWindow = { win, gone, dead: false }
  const die = (why: string) => {
    w.dead = true
    fail(new Error(`The chart capture window ${why}`))
  }
  win.webContents.once('render-process-gone', (_event, details) => die(`lost its renderer (${details.reason})`))
  win.once('closed', () => die('was closed'))
  try {
    await Promise.race([win.loadURL(pageUrl), gone])
  } catch (e) {
    if (!win.isDestroyed()) win.destroy()
    throw new Error(
      `Chart capture could not load ${pageUrl} in its window: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    )
  }
  return w
}
