import { createRpcClient, type ClientTransport, type RpcClient } from '../src-main/contract/client'
import type { ClientFrame, HostFrame } from '../src-main/contract/wire'

/** What the Electron preload exposes, and nothing more. */
export interface Bridge {
  send(frame: unknown): void
  onMessage(cb: (frame: unknown) => void): () => void
  /** The local path of a dropped or picked File (Electron's webUtils.getPathForFile). */
  pathForFile(file: File): string
}

declare global {
  interface Window {
    bridge?: Bridge
  }
}

export type LinkState = 'connecting' | 'open' | 'closed'

/** The only place that picks a transport: Electron IPC when the preload bridge exists, else the WebSocket. */
export function connect(onLink: (state: LinkState, detail: string) => void): RpcClient {
  const bridge = window.bridge
  if (bridge) {
    onLink('open', 'Electron IPC')
    return createRpcClient(ipcTransport(bridge))
  }
  return createRpcClient(wsTransport(rpcUrl(), onLink))
}

function ipcTransport(bridge: Bridge): ClientTransport {
  return {
    send: (frame) => bridge.send(frame),
    onMessage: (cb) => bridge.onMessage((f) => cb(f as HostFrame)),
  }
}

const TOKEN_KEY = 'ibkr-ws.token'

/** URL of a stored artifact (chart PNG, prompt, answer): same origin in both hosts; the web host wants the token. */
export function artifactUrl(sha256: string, reviewId: string | null = null): string {
  const q = new URLSearchParams()
  const token = window.bridge ? null : sessionStorage.getItem(TOKEN_KEY)
  if (token) q.set('token', token)
  if (reviewId) q.set('review', reviewId)
  const query = q.toString()
  return `/artifacts/${sha256}${query ? `?${query}` : ''}`
}

/** True in the desktop app (the preload bridge exists): native dialogs, local file paths. */
export function isDesktop(): boolean {
  return Boolean(window.bridge)
}

/** The local path of a dropped or picked File in the desktop app; null in a browser. */
export function localPathOf(file: File): string | null {
  return window.bridge?.pathForFile(file) || null
}

/** Where the web host takes an uploaded bundle (POST the file's bytes; the answer names the saved file). */
export function bundleUploadUrl(fileName: string): string {
  const q = new URLSearchParams({ token: sessionStorage.getItem(TOKEN_KEY) ?? '', name: fileName })
  return `/review-upload?${q.toString()}`
}

/** The token comes in the launch URL; it is moved out of the address bar and kept for this tab only. */
function rpcUrl(): string {
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    url.searchParams.delete('token')
    history.replaceState(null, '', url.pathname + url.search + url.hash)
  }
  const token = sessionStorage.getItem(TOKEN_KEY) ?? ''
  return `ws://${window.location.host}/rpc?token=${encodeURIComponent(token)}`
}

/** WebSocket carrier with reconnect (capped backoff). Calls made while down fail with UNAVAILABLE. */
function wsTransport(url: string, onLink: (state: LinkState, detail: string) => void): ClientTransport {
  const messageListeners = new Set<(f: HostFrame) => void>()
  const openListeners = new Set<() => void>()
  const closeListeners = new Set<(reason: string) => void>()
  let ws: WebSocket | null = null
  let retryMs = 250
  const outbox: ClientFrame[] = []

  function open() {
    onLink('connecting', 'Connecting to the engine…')
    const sock = new WebSocket(url)
    ws = sock
    sock.onopen = () => {
      retryMs = 250
      onLink('open', 'Connected')
      for (const cb of openListeners) cb()
      for (const f of outbox.splice(0)) sock.send(JSON.stringify(f))
    }
    sock.onmessage = (e) => {
      const frame = JSON.parse(String(e.data)) as HostFrame
      for (const cb of messageListeners) cb(frame)
    }
    sock.onclose = (e) => {
      ws = null
      outbox.length = 0
      const reason =
        e.code === 4401
          ? 'The engine refused this page’s token. Open the URL the host printed at start-up.'
          : 'Lost the connection to the engine; reconnecting…'
      for (const cb of closeListeners) cb(reason)
      onLink('closed', reason)
      if (e.code === 4401) return
      setTimeout(open, retryMs)
      retryMs = Math.min(retryMs * 2, 5000)
    }
  }
  open()

  return {
    send(frame) {
      if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame))
      else if (frame.t === 'call') outbox.push(frame)
    },
    onMessage(cb) {
      messageListeners.add(cb)
      return () => messageListeners.delete(cb)
    },
    onOpen(cb) {
      openListeners.add(cb)
      return () => openListeners.delete(cb)
    },
    onClose(cb) {
      closeListeners.add(cb)
      return () => closeListeners.delete(cb)
    },
  }
}
