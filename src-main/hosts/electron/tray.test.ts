import { Menu, Notification, Tray } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import type { GatewayStatus } from '../../contract/models'
import { notify } from './notifications'
import { createTray, trayStatusLine } from './tray'

const status = (s: Partial<GatewayStatus>): GatewayStatus => ({ state: 'authenticated', account: 'DU1234567', paper: true, url: 'sim', detail: '', loginUrl: null, checkedAt: 0, ...s })

describe('tray', () => {
  it('describes the connection in one line', () => {
    expect(trayStatusLine(status({}))).toBe('Gateway: Connected · Simulator · DU1234567 · PAPER')
    expect(trayStatusLine(status({ state: 'offline', account: null, paper: null, url: 'https://127.0.0.1:5000' }))).toBe('Gateway: Offline · https://127.0.0.1:5000')
  })

  it('offers open, the status line and quit, and updates on change', () => {
    const open = vi.fn()
    const quit = vi.fn()
    const t = createTray('/icon.png', { open, quit }, status({ state: 'offline', paper: null }))
    const tray = (Tray as unknown as { created: { menu: { template: { label?: string; click?: () => void; enabled?: boolean }[] }; tooltip: string }[] }).created.at(-1)!
    const labels = () => tray.menu.template.map((i) => i.label).filter(Boolean)
    expect(labels()).toEqual(['Open IBKR Workstation', 'Gateway: Offline · Simulator · DU1234567', 'Quit'])
    tray.menu.template[0]!.click!()
    tray.menu.template.at(-1)!.click!()
    expect(open).toHaveBeenCalledOnce()
    expect(quit).toHaveBeenCalledOnce()
    t.update(status({}))
    expect(labels()[1]).toBe('Gateway: Connected · Simulator · DU1234567 · PAPER')
    expect(tray.tooltip).toContain('Connected')
    expect(Menu.buildFromTemplate).toHaveBeenCalled()
  })

  it('raises a desktop notification that opens the window on click', () => {
    const open = vi.fn()
    notify({ id: 'a1', level: 'error', title: 'Order rejected', message: 'AAPL BUY 10 rejected', at: 0 }, open)
    const n = (Notification as unknown as { shown: { options: Record<string, unknown>; emit(ev: string): void }[] }).shown.at(-1)!
    expect(n.options).toEqual({ title: 'Order rejected', body: 'AAPL BUY 10 rejected', silent: false })
    n.emit('click')
    expect(open).toHaveBeenCalledOnce()
  })
})
