import { Menu, Notification, Tray } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import type { GatewayStatus } from '../../contract/models'
import { notify } from './notifications'
import { createTray, trayStatusLine } from './tray'

const status = (s: Partial<GatewayStatus>): GatewayStatus => ({
  state: 'authenticated',
  account: 'DU1234567',
  paper: true,
  url: 'sim',
  detail: '',
  loginUrl: null,
  checkedAt: 0,
  ...s,
})

describe('tray', () => {
  it('describes the connection in one line', () => {
    expect(trayStatusLine(status({}))).toBe('Gateway: Connected · Simulator · DU1234567 · PAPER')
    expect(
      trayStatusLine(status({ state: 'offline', account: null, paper: null, url: 'https://127.0.0.1:5000' })),
    ).toBe('Gateway: Offline · https://127.0.0.1:5000')
  })

  it('offers open, the status line and quit, and updates on change', () => {
    const open = vi.fn()
    const quit = vi.fn()
    const t = createTray('/icon.png', { open, quit, setKillSwitch: vi.fn() }, status({ state: 'offline', paper: null }))
    const tray = (
      Tray as unknown as {
        created: { menu: { template: { label?: string; click?: () => void; enabled?: boolean }[] }; tooltip: string }[]
      }
    ).created.at(-1)!
    const labels = () => tray.menu.template.map((i) => i.label).filter(Boolean)
    expect(labels()).toEqual(['Open IBKR Workstation', 'Gateway: Offline · Simulator · DU1234567', 'Quit'])
    tray.menu.template[0]!.click!()
    tray.menu.template.at(-1)!.click!()
    expect(open).toHaveBeenCalledOnce()
    expect(quit).toHaveBeenCalledOnce()
    t.update({ status: status({}) })
    expect(labels()[1]).toBe('Gateway: Connected · Simulator · DU1234567 · PAPER')
    expect(tray.tooltip).toContain('Connected')
    expect(Menu.buildFromTemplate).toHaveBeenCalled()
  })

  it('shows the kill switch, pending approvals and the last alerts; the kill switch works from the menu', () => {
    const setKillSwitch = vi.fn()
    const open = vi.fn()
    const t = createTray('/icon.png', { open, quit: vi.fn(), setKillSwitch }, status({}))
    const tray = (
      Tray as unknown as {
        created: { menu: { template: { label?: string; click?: () => void; enabled?: boolean }[] }; tooltip: string }[]
      }
    ).created.at(-1)!
    t.update({ killSwitch: false, pendingApprovals: 2, lastAlerts: ['Order filled: BUY 10 AAPL'] })
    const item = (label: string) => tray.menu.template.find((i) => i.label?.startsWith(label))!
    item('Kill switch: stop').click!()
    expect(setKillSwitch).toHaveBeenCalledWith(true)
    item('2 order(s) waiting').click!()
    expect(open).toHaveBeenCalledWith('#/orders')
    expect(item('Order filled').enabled).toBe(false)
    t.update({ killSwitch: true })
    expect(item('Kill switch is ON')).toBeTruthy()
    expect(tray.tooltip).toContain('KILL SWITCH ON')
  })

  it('an approval notification opens the Orders page and carries Approve / Reject', () => {
    const open = vi.fn()
    const decide = vi.fn()
    notify(
      {
        id: 'a2',
        level: 'warning',
        title: 'Approval needed',
        message: 'BUY 10 SPY',
        at: 0,
        action: { kind: 'approval', id: 'ap1' },
      },
      open,
      decide,
    )
    const n = (
      Notification as unknown as {
        shown: { options: Record<string, unknown>; emit(ev: string, ...a: unknown[]): void }[]
      }
    ).shown.at(-1)!
    expect(n.options.actions).toEqual([
      { type: 'button', text: 'Approve' },
      { type: 'button', text: 'Reject' },
    ])
    n.emit('action', {}, 1)
    expect(decide).toHaveBeenCalledWith('ap1', false)
    n.emit('click')
    expect(open).toHaveBeenCalledWith('#/orders')
  })

  it('raises a desktop notification that opens the window on click', () => {
    const open = vi.fn()
    notify({ id: 'a1', level: 'error', title: 'Order rejected', message: 'AAPL BUY 10 rejected', at: 0 }, open)
    const n = (
      Notification as unknown as { shown: { options: Record<string, unknown>; emit(ev: string): void }[] }
    ).shown.at(-1)!
    expect(n.options).toEqual({ title: 'Order rejected', body: 'AAPL BUY 10 rejected', silent: false })
    n.emit('click')
    expect(open).toHaveBeenCalledWith(undefined)
  })
})
