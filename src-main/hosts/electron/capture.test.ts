import { describe, expect, it } from 'vitest'
import type { BrowserWindow as MockWindow } from '../../../tests/mocks/electron'
import * as electron from 'electron'
import { startElectronCapture } from './capture'
import { SECURE_WEB_PREFERENCES } from './security'

describe('Electron chart capture (electron mocked)', () => {
  it('draws in one hidden offscreen window with the secure preferences, passing the spec as data', async () => {
    const capture = await startElectronCapture()
    const win = (electron.BrowserWindow as unknown as typeof MockWindow).created.at(-1)!
    expect(win.options).toMatchObject({ show: false, webPreferences: { ...SECURE_WEB_PREFERENCES, offscreen: true } })
    expect(win.loadURL).toHaveBeenCalledWith('app://main/capture.html')
    const spec = {
      title: 'AAPL · 1D',
      width: 1024,
      height: 640,
      bars: [{ t: 0, o: 1, h: 2, l: 0.5, c: 1.5, v: 10 }],
      indicators: [],
      levels: null,
    }
    const png = await capture.capture(spec)
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a')
    const code = win.webContents.executeJavaScript.mock.calls[0]![0]
    expect(code).toBe(`window.captureChart(${JSON.stringify(spec)})`)
    await expect(capture.capture({ ...spec, width: 1 })).rejects.toThrow()
    await capture.close()
    expect(win.destroy).toHaveBeenCalled()
  })
})
