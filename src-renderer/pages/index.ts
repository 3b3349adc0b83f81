import type { ComponentType } from 'react'
import { SettingsPage } from './SettingsPage'

export interface PageDef {
  id: string
  title: string
  /** Single key that opens the page with Alt held. */
  key: string
  component: ComponentType
}

/** The pages that exist; the sidebar lists exactly these. */
export const PAGES: readonly PageDef[] = [{ id: 'settings', title: 'Settings', key: ',', component: SettingsPage }]
