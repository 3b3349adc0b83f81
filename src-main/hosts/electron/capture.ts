import { pngFromDataUrl, type ChartCapture } from '../../charts/capture'
import { ChartImageSpec } from '../../contract/charts'
import { createCaptureWindow } from './window'

// Chart capture in the desktop app: the renderer's capture page in one warm offscreen window.
export async function startElectronCapture(pageUrl = 'app://main/capture.html'): Promise<ChartCapture> {
  const win = createCaptureWindow()
  await win.loadURL(pageUrl)
  let queue: Promise<unknown> = Promise.resolve()
  return {
    async capture(spec) {
      const valid = ChartImageSpec.parse(spec)
      // The spec crosses as a JSON literal: data, never code.
      const next = queue.then(async () =>
        pngFromDataUrl(
          String(await win.webContents.executeJavaScript(`window.captureChart(${JSON.stringify(valid)})`, true)),
        ),
      )
      queue = next.catch(() => undefined)
      return next
    },
    async close() {
      if (!win.isDestroyed()) win.destroy()
    },
  }
}
