import { expect, type Page } from '@playwright/test'

/** Page object for Settings: locators by data-testid, no fixed waits. */
export class SettingsPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-settings').click()
    await expect(this.page.getByTestId('settings-form')).toBeVisible()
  }

  field(name: 'gateway' | 'account' | 'llmBaseUrl' | 'llmModel') {
    return this.page.getByTestId(`input-${name}`)
  }

  async save(): Promise<void> {
    await this.page.getByTestId('settings-save').click()
  }

  status() {
    return this.page.getByTestId('settings-status')
  }
}
