import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'

// The whole bridge: one channel, two functions (STYLE.md pattern 4), plus `pathForFile` so a bundle
// dropped on the window can be imported by its path (sandboxed renderers have no File.path since
// Electron 32). A sandboxed preload may import only `electron`, so the channel name is repeated here.
const CHANNEL = 'rpc'

const bridge = {
  send: (frame: unknown) => ipcRenderer.send(CHANNEL, frame),
  onMessage: (cb: (frame: unknown) => void) => {
    const handler = (_event: IpcRendererEvent, frame: unknown) => cb(frame)
    ipcRenderer.on(CHANNEL, handler)
    return () => {
      ipcRenderer.off(CHANNEL, handler)
    }
  },
  /** The local path of a File the user dropped or picked (empty string when it has none). */
  pathForFile: (file: File) => webUtils.getPathForFile(file),
} satisfies {
  send(frame: unknown): void
  onMessage(cb: (frame: unknown) => void): () => void
  pathForFile(file: File): string
}

contextBridge.exposeInMainWorld('bridge', bridge)
