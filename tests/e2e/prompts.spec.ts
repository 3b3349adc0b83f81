import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect as baseExpect, type Page } from '@playwright/test'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startWebHost } from '../fixtures/web-host'
import { expect, openApp, test } from './fixtures'

const SHOTS = join(__dirname, '..', '..', 'reports', 'screenshots')
mkdirSync(SHOTS, { recursive: true })

/** A one-answer OpenAI-compatible endpoint on loopback that records what it was sent. */
async function fakeModel(answer: string) {
  const requests: { messages: { role: string; content: string }[] }[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      requests.push(JSON.parse(body) as (typeof requests)[number])
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          id: 'x',
          object: 'chat.completion',
          created: 1,
          model: 'test-model',
          choices: [
            { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: answer, refusal: null } },
          ],
        }),
      )
    })
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  return {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  }
}

/** Page object for Prompts: data-testid locators, Monaco driven through the keyboard, no fixed waits. */
class PromptsPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-prompts').click()
    await expect(this.page.getByTestId('prompts-page')).toBeVisible()
    await expect(this.editor('body').locator('.monaco-editor')).toBeVisible()
    await expect(this.editor('body').locator('.view-lines')).toContainText('analysis as of')
  }

  editor(field: 'system' | 'body') {
    return this.page.getByTestId(`editor-${field}`)
  }

  /** Put the cursor at the end of the body and type text as the user would paste it. */
  async appendToBody(text: string): Promise<void> {
    await this.editor('body').locator('.view-lines').click()
    await this.page.keyboard.press('Control+End')
    await this.page.keyboard.insertText(text)
  }

  /** Replace the line the cursor is on. */
  async replaceCurrentLine(text: string): Promise<void> {
    await this.page.keyboard.press('Escape')
    await this.page.keyboard.press('End')
    await this.page.keyboard.press('Shift+Home')
    await this.page.keyboard.insertText(text)
  }

  problems() {
    return this.page.getByTestId('problems')
  }

  preview() {
    return this.page.getByTestId('preview-text')
  }

  status() {
    return this.page.getByTestId('prompt-status')
  }

  historyRows() {
    return this.page.getByTestId('history-row')
  }
}

test(
  'edit a prompt: an unknown variable is named, the fix saves v2, history shows it, diff ' +
    'against v1, restore v1 as v3',
  async ({ page, host, consoleErrors }) => {
    await openApp(page, host)
    const prompts = new PromptsPage(page)
    await prompts.open()

    // The four shipped templates; the combined one is the global default and is open.
    await expect(page.getByTestId('template-row')).toHaveCount(4)
    await expect(
      page.locator('[data-testid=template-row][data-purpose=combined]').getByTestId('default-mark'),
    ).toBeVisible()
    await expect(page.getByTestId('template-name')).toHaveText('Combined daily + weekly (default)')
    await expect(prompts.preview()).toContainText('AAPL (NASDAQ, USD), analysis as of 2026-11-20')
    await expect(prompts.problems()).toContainText('No problems')

    // An unknown variable: named with its place, marked in the editor, and not saved.
    await prompts.appendToBody('\nRSI now {{ d.rsi_14 }}')
    await expect(prompts.problems()).toContainText('Unknown variable "d.rsi_14": did you mean "d.rsi"?')
    await expect(prompts.problems().getByTestId('problem')).toHaveText(/^Body \d+:12/)
    await prompts.problems().getByTestId('problem').click() // moves the cursor to the marked place
    await expect(prompts.editor('body').locator('.squiggly-error')).toHaveCount(1)
    await expect(prompts.preview()).toContainText('Fix the problems listed under the editor')
    await page.getByTestId('save-prompt').click()
    await expect(prompts.status()).toContainText('Not saved: Unknown variable "d.rsi_14"')

    // Fixed: the preview renders the sample's RSI; Ctrl+S saves version 2 with its note.
    await prompts.editor('body').locator('.view-lines').click()
    await page.keyboard.press('Control+End')
    await prompts.replaceCurrentLine('RSI now {{ d.rsi | round: 1 }}')
    await expect(prompts.problems()).toContainText('No problems')
    await expect(prompts.preview()).toContainText('RSI now 57.3')
    await expect(prompts.editor('body').locator('.squiggly-error')).toHaveCount(0)
    await page.getByTestId('note-input').fill('RSI on the last line')
    await prompts.editor('body').locator('.view-lines').click()
    await page.keyboard.press('Control+s')
    await expect(prompts.status()).toHaveText('Saved v2.')
    await expect(page.getByTestId('draft-base')).toHaveText('at v2')

    // History lists v2 above v1; the diff shows the added line side by side.
    await page.getByTestId('tab-history').click()
    await expect(prompts.historyRows()).toHaveCount(2)
    await expect(prompts.historyRows().first()).toContainText('v2')
    await expect(prompts.historyRows().first()).toContainText('RSI on the last line')
    await expect(prompts.historyRows().nth(1)).toContainText('shipped default')
    await page.getByTestId('diff-v1').click()
    await expect(page.getByTestId('diff-title')).toHaveText('v1 ↔ v2')
    const diff = page.getByTestId('diff-view')
    await expect(diff.locator('.editor.original')).toBeVisible()
    await expect(diff.locator('.editor.modified')).toBeVisible()
    await expect(diff.locator('.editor.modified .view-lines')).toContainText('RSI now {{ d.rsi | round: 1 }}')
    await expect(diff.locator('.editor.original .view-lines')).not.toContainText('RSI now')
    await expect(diff.locator('.line-insert').first()).toBeVisible()
    await page.screenshot({ path: join(SHOTS, 'prompts-diff.png') })

    // Restore v1: a new version 3 with the old text and a note; the editor follows.
    await page.getByTestId('diff-restore').click()
    await expect(prompts.status()).toHaveText('Restored v1 as v3.')
    await expect(page.getByTestId('diff-pane')).toHaveCount(0)
    await expect(prompts.historyRows()).toHaveCount(3)
    await expect(prompts.historyRows().first()).toContainText('restored from v1')
    await expect(prompts.editor('body').locator('.view-lines')).not.toContainText('RSI now')
    await page.getByTestId('tab-preview').click()
    await expect(prompts.preview()).not.toContainText('RSI now')
    await expect(page.locator('[data-testid=template-row][data-purpose=combined]')).toContainText('v3')
    await page.screenshot({ path: join(SHOTS, 'prompts.png') })

    // Without a configured model, Test says what to do instead of failing silently.
    await page.getByTestId('test-prompt').click()
    await expect(page.getByTestId('test-result')).toContainText('No language model is configured')
    expect(consoleErrors).toEqual([])
  },
)

test('autocomplete offers contract variables with their descriptions; Test shows the model’s answer', async ({
  page,
  consoleErrors,
}) => {
  const fake = await fakeModel('{"action":"HOLD","reasoning":"Mixed evidence."}')
  const host = await startWebHost({ env: { OPENAI_API_KEY: 'sk-e2e', OPENAI_BASE_URL: fake.baseURL } })
  try {
    await openApp(page, host)
    const prompts = new PromptsPage(page)
    await prompts.open()
    await page.locator('[data-testid=template-row][data-purpose=daily] a').click()
    await expect(page.getByTestId('template-name')).toHaveText('Daily chart analysis')
    await expect(prompts.editor('body').locator('.view-lines')).toContainText('Daily chart of')

    // Cursor right after `d.` inside `{{ d. }}`, then Ctrl+Space: the children of `d`, with their types.
    await prompts.appendToBody('\nMACD histogram {{ d. }}')
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft')
    await page.keyboard.press('Control+Space')
    const suggest = page.locator('.suggest-widget.visible')
    await expect(suggest).toContainText('sma200')
    await expect(suggest).toContainText('number | null')
    await page.keyboard.type('macd_h')
    await expect(suggest).toContainText('macd_hist')
    await expect(suggest).not.toContainText('sma200')
    await page.keyboard.press('Enter')
    await expect(suggest).toHaveCount(0)
    await expect(prompts.preview()).toContainText('MACD histogram 0.23')
    await expect(prompts.problems()).toContainText('No problems')

    await page.getByTestId('test-prompt').click()
    await expect(page.getByTestId('test-result')).toContainText('"action":"HOLD"')
    await expect(page.getByTestId('test-result')).toContainText('test-model')
    const sent = fake.requests[0]!
    baseExpect(sent.messages[0]!.content).toContain('at most 1,500 characters')
    baseExpect(sent.messages[1]!.content).toContain('Daily chart of AAPL')
    baseExpect(sent.messages[1]!.content).toContain('MACD histogram 0.23')
    await page.screenshot({ path: join(SHOTS, 'prompts-test.png') })
    // Before the host stops: the open page then retries its connection, and Chromium logs each refusal.
    expect(consoleErrors).toEqual([])
  } finally {
    await host.stop()
    await fake.close()
  }
})
