import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'

// The whole bridge: one channel, two functions (STYLE.md pattern 4). A sandboxed preload may
// import only `electron`, so the channel name is repeated here rather than imported.
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
} satisfies { send(frame: unknown): void; onMessage(cb: (frame: unknown) => void): () => void }

contextBridge.exposeInMainWorld('bridge', bridge)
