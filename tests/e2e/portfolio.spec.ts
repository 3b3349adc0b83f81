import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import WebSocket from 'ws'
import { createRpcClient, type ClientTransport, type RpcClient } from '../../src-main/contract/client'
import type { HostFrame } from '../../src-main/contract/wire'
import { expect, openApp, test } from './fixtures'

const SHOTS = join(__dirname, '..', '..', 'reports', 'screenshots')
mkdirSync(SHOTS, { recursive: true })
const AAPL = 265598

/** A typed RPC client over the host's WebSocket, like the renderer's (Node has no Origin header). */
async function rpcClient(host: { port: number; token: string }): Promise<RpcClient & { ws: WebSocket }> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/rpc?token=${encodeURIComponent(host.token)}`)
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  const transport: ClientTransport = {
    send: (frame) => ws.send(JSON.stringify(frame)),
    onMessage(cb) {
      const h = (data: WebSocket.RawData) => cb(JSON.parse(String(data)) as HostFrame)
      ws.on('message', h)
      return () => ws.off('message', h)
    },
  }
  return Object.assign(createRpcClient(transport), { ws })
}

test(
  'portfolio: an open position and a closed round trip from real simulator fills, the broker ' +
    'comparison, equity curve and journal',
  async ({ page, host, consoleErrors }) => {
    await openApp(page, host)
    await expect(page.getByTestId('connection-badge')).toHaveAttribute('data-state', 'authenticated')
    const rpc = await rpcClient(host)
    try {
      await expect
        .poll(async () => (await rpc.call('risk.get', {}))?.reconciled ?? false, { timeout: 20_000 })
        .toBe(true)
      await rpc.call('marketData.watch', { conids: [AAPL] })
      await expect
        .poll(async () => (await rpc.call('marketData.quotes', { conids: [AAPL] }))[0]?.last ?? null, {
          timeout: 20_000,
        })
        .not.toBeNull()
      const last = (await rpc.call('marketData.quotes', { conids: [AAPL] }))[0]!.last!
      const buyAt = Math.round(last * 1.02 * 100) / 100
      const sellAt = Math.round(last * 0.98 * 100) / 100

      // A manual round trip (bought 10, sold 10), then 6 more held open.
      const place = async (side: 'BUY' | 'SELL', qty: number, price: number) => {
        // The gate allows one submit per 2 s: a refusal is definitive (nothing sent), so asking again is safe.
        let id = ''
        await expect(async () => {
          const r = await rpc.call('orders.place', {
            conid: AAPL,
            side,
            qty,
            orderType: 'LMT',
            price,
            tif: 'DAY',
            outsideRth: true,
          })
          expect(r.gate.reason).toBeNull()
          id = r.orders[0]!.id
        }).toPass({ timeout: 15_000 })
        await expect
          .poll(async () => (await rpc.call('orders.list', { limit: 50 })).find((o) => o.id === id)?.status, {
            timeout: 20_000,
          })
          .toBe('FILLED')
      }
      await place('BUY', 10, buyAt)
      await place('SELL', 10, sellAt)
      await place('BUY', 6, buyAt)
      await expect
        .poll(
          async () =>
            (await rpc.call('portfolio.trades', { status: 'all', limit: 10 })).map(
              (t) => `${t.qty}:${t.closedAt === null ? 'open' : 'closed'}`,
            ),
          { timeout: 20_000 },
        )
        .toEqual(['6:open', '10:closed'])
      await rpc.call('portfolio.get', {}) // marks from the broker's positions

      await page.getByTestId('nav-portfolio').click()
      const pageRoot = page.getByTestId('portfolio-page')
      await expect(pageRoot).toBeVisible()
      const row = page.getByTestId('position-AAPL')
      await expect(row).toContainText('Manual / external')
      await expect(row.locator('td').nth(2)).toHaveText('6')
      await expect(row.locator('td').nth(4)).not.toHaveText('—')
      await expect(row.locator('td').nth(9)).toContainText('100.0 %')
      await expect(page.getByTestId('card-netliq')).not.toContainText('—')
      await expect(page.getByTestId('no-differences')).toBeVisible()
      await expect(page.getByTestId('stat-count')).toContainText('1')

      const journal = page.getByTestId('trade-journal')
      await expect(journal.locator('tbody tr')).toHaveCount(2)
      const closed = journal.locator('tbody tr').nth(1)
      await expect(closed).toContainText('Long')
      // Bought at the ask, sold at the bid seconds later: a loss unless the price rose by the spread or
      // more meanwhile (the simulator's market is seeded per data folder); the tone follows the figure.
      const [roundTrip] = await rpc.call('portfolio.trades', { status: 'closed', limit: 1 })
      const pnl = roundTrip!.realizedPnl ?? Number.NaN
      expect(Number.isFinite(pnl)).toBe(true)
      const pnlCell = closed.locator('td').nth(8)
      if (pnl === 0) await expect(pnlCell).not.toHaveClass(/\b(up|down)\b/)
      else await expect(pnlCell).toHaveClass(pnl < 0 ? /\bdown\b/ : /\bup\b/)
      await expect(closed.locator('td').nth(11)).toHaveText('manual')

      // Live refresh: a new fill shows without reloading the page.
      await place('BUY', 4, buyAt)
      // The fill is read back through the executions endpoint, which IBKR paces at one call per 5 s.
      await expect(row.locator('td').nth(2)).toHaveText('10', { timeout: 20_000 })

      // The equity curve draws the snapshots (start of day at least, taken by the job on start-up).
      await expect
        .poll(async () => (await rpc.call('portfolio.snapshots', { from: 0, to: Date.now() + 60_000 })).length, {
          timeout: 20_000,
        })
        .toBeGreaterThan(0)
      await page.getByTestId('portfolio-refresh').click()
      await page.locator('.segmented button', { hasText: '1 month' }).click()
      await expect(page.getByTestId('equity-curve')).not.toHaveAttribute('data-points', '0')
      await expect(page.getByTestId('equity-curve').locator('canvas').first()).toBeVisible()
      await page.screenshot({ path: join(SHOTS, 'portfolio.png'), fullPage: true })
    } finally {
      rpc.ws.close()
    }
    expect(consoleErrors).toEqual([])
  },
)
