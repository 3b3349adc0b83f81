import { describe, expect, it } from 'vitest'
import type { BrowserWindow as MockWindow } from '../../../tests/mocks/electron'
import * as electron from 'electron'
import { startElectronCapture } from './capture'
import { SECURE_WEB_PREFERENCES } from './security'

const windows = () => (electron.BrowserWindow as unknown as typeof MockWindow).created
const spec = {
  title: 'AAPL · 1D',
  width: 1024,
  height: 640,
  bars: [{ t: 0, o: 1, h: 2, l: 0.5, c: 1.5, v: 10 }],
  indicators: [],
  levels: null,
}
const PNG = '89504e470d0a1a0a'
const secure = { show: false, webPreferences: { ...SECURE_WEB_PREFERENCES, offscreen: true } }

describe('Electron chart capture (electron mocked)', () => {
  it('draws in one hidden offscreen window with the secure preferences, passing the spec as data', async () => {
    const capture = await startElectronCapture()
    const win = windows().at(-1)!
    expect(win.options).toMatchObject(secure)
    expect(win.loadURL).toHaveBeenCalledWith('app://main/capture.html')
    const png = await capture.capture(spec)
    expect(png.subarray(0, 8).toString('hex')).toBe(PNG)
    const code = win.webContents.executeJavaScript.mock.calls[0]![0]
    expect(code).toBe(`window.captureChart(${JSON.stringify(spec)})`)
    await expect(capture.capture({ ...spec, width: 1 })).rejects.toThrow()
    await capture.close()
    expect(win.destroy).toHaveBeenCalled()
  })

  it('replaces a window whose renderer crashed with a new, equally secure one, and answers the capture', async () => {
    const capture = await startElectronCapture()
    const before = windows().length
    const crashed = windows().at(-1)!
    crashed.webContents.isCrashed.mockReturnValue(true)
    const png = await capture.capture(spec)
    expect(png.subarray(0, 8).toString('hex')).toBe(PNG)
    expect(crashed.destroy).toHaveBeenCalled()
    expect(crashed.webContents.executeJavaScript).not.toHaveBeenCalled()
    expect(windows()).toHaveLength(before + 1)
    const fresh = windows().at(-1)!
    expect(fresh.options).toEqual(crashed.options)
    expect(fresh.options).toMatchObject(secure)
    expect(fresh.loadURL).toHaveBeenCalledWith('app://main/capture.html')
    expect(fresh.webContents.executeJavaScript).toHaveBeenCalledTimes(1)
    await capture.close()
    expect(fresh.destroy).toHaveBeenCalled()
  })

  it('replaces a destroyed window before the next capture', async () => {
    const capture = await startElectronCapture()
    const first = windows().at(-1)!
    first.destroy()
    expect((await capture.capture(spec)).subarray(0, 8).toString('hex')).toBe(PNG)
    expect(windows().at(-1)).not.toBe(first)
    expect(first.webContents.executeJavaScript).not.toHaveBeenCalled()
    await capture.close()
  })

  it('asks a fresh window once more when the renderer goes away during a capture that never answers', async () => {
    const capture = await startElectronCapture()
    const dying = windows().at(-1)!
    dying.webContents.executeJavaScript.mockImplementationOnce(() => {
      dying.webContents.isCrashed.mockReturnValue(true)
      queueMicrotask(() => dying.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 }))
      return new Promise(() => {}) // a dead renderer may never answer
    })
    expect((await capture.capture(spec)).subarray(0, 8).toString('hex')).toBe(PNG)
    expect(dying.destroy).toHaveBeenCalled()
    const fresh = windows().at(-1)!
    expect(fresh).not.toBe(dying)
    expect(fresh.options).toMatchObject(secure)
    expect(fresh.webContents.executeJavaScript).toHaveBeenCalledTimes(1)
    await capture.close()
  })

  it('lets a page error stand on the same window', async () => {
    const capture = await startElectronCapture()
    const win = windows().at(-1)!
    win.webContents.executeJavaScript.mockRejectedValueOnce(new Error('captureChart failed: no bars'))
    await expect(capture.capture(spec)).rejects.toThrow('captureChart failed: no bars')
    expect((await capture.capture(spec)).subarray(0, 8).toString('hex')).toBe(PNG)
    expect(windows().at(-1)).toBe(win)
    expect(win.destroy).not.toHaveBeenCalled()
    await capture.close()
  })

  it('recycles the window after the configured number of charts', async () => {
    const capture = await startElectronCapture('app://main/capture.html', { recycleAfter: 2 })
    const before = windows().length
    for (let i = 0; i < 5; i++) await capture.capture(spec)
    const used = windows().slice(before - 1)
    expect(used).toHaveLength(3)
    expect(used.map((w) => w.webContents.executeJavaScript.mock.calls.length)).toEqual([2, 2, 1])
    expect(used.map((w) => w.isDestroyed())).toEqual([true, true, false])
    for (const w of used) expect(w.options).toMatchObject(secure)
    await capture.close()
    expect(used[2]!.isDestroyed()).toBe(true)
  })

  it('says which page failed to load, leaving no window behind, and tries a fresh window next time', async () => {
    const capture = await startElectronCapture()
    const crashed = windows().at(-1)!
    crashed.webContents.isCrashed.mockReturnValue(true)
    const Mock = electron.BrowserWindow as unknown as typeof MockWindow
    Mock.load = async (url) => {
      throw new Error(`ERR_FILE_NOT_FOUND (-6) loading '${url}'`)
    }
    try {
      await expect(capture.capture(spec)).rejects.toThrow(
        'Chart capture could not relaunch its drawing surface (replaced because it died): Chart capture could not ' +
          "load app://main/capture.html in its window: ERR_FILE_NOT_FOUND (-6) loading 'app://main/capture.html'",
      )
    } finally {
      Mock.load = null
    }
    const failed = windows().at(-1)!
    expect(failed).not.toBe(crashed)
    expect(failed.isDestroyed()).toBe(true)
    expect((await capture.capture(spec)).subarray(0, 8).toString('hex')).toBe(PNG)
    expect(windows().at(-1)!.webContents.executeJavaScript).toHaveBeenCalledTimes(1)
    await capture.close()
  })

  it('fails to start with the page it could not load, closing its window', async () => {
    const Mock = electron.BrowserWindow as unknown as typeof MockWindow
    Mock.load = async () => {
      throw new Error('ERR_ABORTED')
    }
    try {
      await expect(startElectronCapture('app://main/missing.html')).rejects.toThrow(
        'Chart capture could not load app://main/missing.html in its window: ERR_ABORTED',
      )
    } finally {
      Mock.load = null
    }
    expect(windows().at(-1)!.isDestroyed()).toBe(true)
  })
})
