import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { connectRpc } from '../fixtures/web-host'
import { expect, openApp, test } from './fixtures'

// F13 from the manual ticket: a limit BUY with a stop loss and a take profit, checked inline (a stop
// on the wrong side says what to fix and blocks the preview), previewed as a bracket, placed on the
// built-in simulator and shown in the blotter as three legs with one client id stem.

const SHOTS = join(__dirname, '..', '..', 'reports', 'screenshots')
mkdirSync(SHOTS, { recursive: true })
const AAPL = 265598
const round = (x: number) => Math.round(x * 100) / 100

test(
  'order ticket: a limit BUY with stop loss and take profit is validated inline, previewed ' +
    'and placed as a three-leg bracket',
  async ({ page, host, consoleErrors }) => {
    await openApp(page, host)
    await expect(page.getByTestId('connection-badge')).toHaveAttribute('data-state', 'authenticated')
    const { client: rpc, ws } = await connectRpc(host.port, host.token)
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
      const limit = round(last * 0.99) // below the market: the entry keeps working
      const stop = round(limit * 0.97)
      const target = round(limit * 1.06)

      await page.getByTestId('nav-orders').click()
      const ticket = page.getByTestId('order-ticket')
      await ticket.getByTestId('ticket-instrument').fill('AAPL')
      await page.getByTestId('pick-AAPL').click()
      await ticket.getByTestId('ticket-price').fill(String(limit))

      // A stop above the limit of a BUY: said inline, and nothing can be previewed or placed.
      await ticket.getByTestId('ticket-stop').fill(String(round(limit + 1)))
      await expect(ticket.getByTestId('ticket-stop-error')).toHaveText(
        `For a BUY the stop loss must be below the limit price ${limit} (it is ${round(limit + 1)})`,
      )
      await expect(ticket.getByTestId('ticket-preview')).toBeDisabled()
      await expect(ticket.getByTestId('ticket-place')).toBeDisabled()
      await ticket.screenshot({ path: join(SHOTS, 'order-ticket-invalid.png') })

      await ticket.getByTestId('ticket-stop').fill(String(stop))
      await ticket.getByTestId('ticket-target').fill(String(target))
      await expect(ticket.getByTestId('ticket-stop-error')).toHaveCount(0)
      const risk = Math.abs(limit - stop)
      const reward = Math.abs(target - limit)
      await expect(ticket.getByTestId('ticket-risk')).toHaveText(risk.toFixed(2))
      await expect(ticket.getByTestId('ticket-reward')).toHaveText(reward.toFixed(2))
      await expect(ticket.getByTestId('ticket-rratio')).toHaveText(`1 : ${(reward / risk).toFixed(2)}`)
      // The simulator trades around the clock; the gate's regular-hours rule would refuse it otherwise.
      await ticket.getByTestId('ticket-outside-rth').check()

      await ticket.getByTestId('ticket-preview').click()
      await expect(ticket.getByTestId('ticket-preview-result')).toContainText('The risk gate allows this order.')
      const legs = ticket.getByTestId('ticket-preview-bracket')
      await expect(legs).toHaveAttribute('aria-label', 'Bracket of 3 orders')
      await expect(legs).toContainText(`EntryBUY limit DAY${limit.toFixed(2)}`)
      await expect(legs).toContainText(`Stop lossSELL stop GTC${stop.toFixed(2)}`)
      await expect(legs).toContainText(`Take profitSELL limit GTC${target.toFixed(2)}`)
      await expect(ticket.getByTestId('ticket-place')).toBeEnabled()
      await ticket.screenshot({ path: join(SHOTS, 'order-ticket-bracket.png') })

      await ticket.getByTestId('ticket-place').click()
      await expect(ticket.getByTestId('ticket-message')).toContainText('Sent:')
      const sent = (await ticket.getByTestId('ticket-message').textContent())!
      const stem = /(m[0-9a-f]{12})-P/.exec(sent)![1]!
      expect(sent).toContain(`${stem}-S`)
      expect(sent).toContain(`${stem}-T`)

      await page.getByTestId('blotter-all').click()
      const blotter = page.getByTestId('blotter')
      await expect(blotter.locator(`[data-testid^="order-row-${stem}-"]`)).toHaveCount(3)
      await expect(blotter.getByTestId(`order-row-${stem}-P`)).toContainText('parent')
      await expect(blotter.getByTestId(`order-row-${stem}-S`)).toContainText('stop')
      await expect(blotter.getByTestId(`order-row-${stem}-T`)).toContainText('target')
      for (const leg of ['P', 'S', 'T'])
        await expect(blotter.getByTestId(`order-row-${stem}-${leg}`)).toHaveAttribute('data-status', /SUBMITTED|FILLED/)
      await page.screenshot({ path: join(SHOTS, 'orders-ticket-bracket.png') })
      expect(consoleErrors).toEqual([])
    } finally {
      ws.close()
    }
  },
)
