import { create } from 'zustand'
import type { Input, Method, Output } from '../../src-main/contract/api'
import type { EventData, EventName } from '../../src-main/contract/events'
import { RpcCallError, type RpcClient } from '../../src-main/contract/client'
import type { GatewayStatus, SettingsPatch, SettingsView } from '../../src-main/contract/models'
import type { EngineMode } from '../../src-main/contract/desktop-api'
import { connect, type LinkState } from '../rpc'

interface AppState {
  link: { state: LinkState; detail: string }
  gateway: GatewayStatus | null
  settings: SettingsView | null
  loadError: string | null
  /** 'review' after a first launch from a bundle: the trading engine is not running yet. */
  mode: EngineMode
  loadSettings(): Promise<void>
  saveSettings(patch: SettingsPatch): Promise<SettingsView>
}

let client: RpcClient | null = null

/** Subscribe to an engine event; returns the unsubscribe function. */
export function onEvent<E extends EventName>(event: E, cb: (data: EventData<E>) => void): () => void {
  if (!client) throw new Error('RPC client not started')
  return client.on(event, cb)
}

/** Typed call through the one client; errors keep their code for the UI. */
export function call<M extends Method>(method: M, input: Input<M>): Promise<Output<M>> {
  if (!client) throw new Error('RPC client not started')
  return client.call(method, input)
}

export const useApp = create<AppState>((set) => ({
  link: { state: 'connecting', detail: 'Connecting to the engine…' },
  gateway: null,
  settings: null,
  loadError: null,
  mode: 'trading',
  async loadSettings() {
    set({ settings: await call('settings.get', {}) })
  },
  async saveSettings(patch) {
    const settings = await call('settings.update', patch)
    set({ settings })
    return settings
  },
}))

/** Start the client, subscribe to the events the frame shows, and load state on every (re)connection. */
export function startApp(): void {
  client = connect((state, detail) => {
    useApp.setState({ link: { state, detail } })
    if (state === 'open') queueMicrotask(() => void refresh())
  })
  client.on('gateway.status', (gateway) => useApp.setState({ gateway }))
  client.on('db.changed', ({ tables }) => {
    if (tables.includes('settings')) void useApp.getState().loadSettings()
  })
}

async function refresh(): Promise<void> {
  try {
    const { mode } = await call('system.mode', {})
    if (mode === 'review') {
      useApp.setState({ mode, gateway: null, settings: await call('settings.get', {}), loadError: null })
      return
    }
    const [gateway, settings] = await Promise.all([call('gateway.status', {}), call('settings.get', {})])
    useApp.setState({ mode, gateway, settings, loadError: null })
  } catch (e) {
    useApp.setState({ loadError: errorMessage(e) })
  }
}

/** Leave review mode: start the trading engine, then reload so every page reconnects to it. */
export async function startTradingEngine(): Promise<void> {
  await call('system.startTrading', {})
  window.location.reload()
}

export function errorMessage(e: unknown): string {
  if (e instanceof RpcCallError) return e.message
  return e instanceof Error ? e.message : String(e)
}

/** Field-level messages from a BAD_INPUT error's zod issues, keyed by the first path segment. */
export function fieldErrors(e: unknown): Record<string, string> {
  if (!(e instanceof RpcCallError) || e.code !== 'BAD_INPUT' || !Array.isArray(e.details)) return {}
  const out: Record<string, string> = {}
  for (const issue of e.details as { path?: unknown[]; message?: string }[]) {
    const key = String(issue.path?.[0] ?? '')
    if (key && issue.message && !out[key]) out[key] = issue.message
  }
  return out
}
