import { expect, type Page } from '@playwright/test'

export class SymbolsPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-symbols').click()
    await expect(this.page.getByTestId('symbols-page')).toBeVisible()
  }

  async search(query: string): Promise<void> {
    await this.page.getByTestId('symbol-search').fill(query)
  }

  result(symbol: string) {
    return this.page.getByTestId(`result-${symbol}`)
  }

  async openChart(symbol: string): Promise<void> {
    await this.page.getByTestId(`chart-${symbol}`).click()
    await expect(this.page.getByTestId('chart-page')).toBeVisible()
  }

  async watch(symbol: string): Promise<void> {
    await this.page.getByTestId(`watch-${symbol}`).click()
    await expect(this.page.getByTestId(`watchlist-${symbol}`)).toBeVisible()
  }
}
