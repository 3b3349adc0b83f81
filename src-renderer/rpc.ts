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

/** URL of a stored artifact (chart PNG, prompt, answer): same origin in both hosts, never a token in it. */
export function artifactUrl(sha256: string, reviewId: string | null = null): string {
  const query = reviewId ? `?${new URLSearchParams({ review: reviewId }).toString()}` : ''
  return `/artifacts/${sha256}${query}`
}

/** True in the desktop app (the preload bridge exists): native dialogs, local file paths. */
export function isDesktop(): boolean {
  return Boolean(window.bridge)
}

/** The local path of a dropped or picked File in the desktop app; null in a browser. */
export function localPathOf(file: File): string | null {
  return window.bridge?.pathForFile(file) || null
}

/**
 * Where the web host takes an uploaded bundle (POST the file's bytes; the answer names the saved
 * file). Authenticated by the session cookie, like /rpc and /artifacts: no token in the URL.
 */
export function bundleUploadUrl(fileName: string): string {
  return `/review-upload?${new URLSearchParams({ name: fileName }).toString()}`
}

/**
 * The web host put the launch token in the URL and traded it for an HttpOnly session cookie when it
 * served this page; the token is removed from the address bar and never kept by the page. /rpc and
 * /artifacts are then authenticated by the cookie alone.
 */
function rpcUrl(): string {
  const url = new URL(window.location.href)
  if (url.searchParams.has('token')) {
    url.searchParams.delete('token')
    history.replaceState(null, '', url.pathname + url.search + url.hash)
  }
  return `ws://${window.location.host}/rpc`
}

const TOKEN_REFUSED = 'The engine refused this page’s token. Open the URL the host printed at start-up.'

/** After a socket that never opened: does the host still accept this page's session cookie? */
async function sessionRefused(): Promise<boolean> {
  try {
    return (await fetch('/session', { cache: 'no-store' })).status === 401
  } catch {
    return false
  }
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
    let opened = false
    sock.onopen = () => {
      opened = true
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
      const closed = (refused: boolean) => {
        const reason = refused ? TOKEN_REFUSED : 'Lost the connection to the engine; reconnecting…'
        for (const cb of closeListeners) cb(reason)
        onLink('closed', reason)
        if (refused) return
        setTimeout(open, retryMs)
        retryMs = Math.min(retryMs * 2, 5000)
      }
      // A refused credential is an HTTP 401 before the upgrade, which a browser socket cannot see.
      if (e.code === 4401) closed(true)
      else if (opened) closed(false)
      else void sessionRefused().then(closed)
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
