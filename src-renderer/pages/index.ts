import type { ComponentType } from 'react'
import { ChartRoute } from './ChartRoute'
import { ConnectionPage } from './ConnectionPage'
import { DashboardPage } from './DashboardPage'
import { LineagePage } from './LineagePage'
import { OrdersPage } from './OrdersPage'
import { PortfolioPage } from './PortfolioPage'
import { SignalsPage } from './SignalsPage'
import { StatsPage } from './StatsPage'
import { StrategiesPage } from './StrategiesPage'
import { PromptsPage } from './PromptsPage'
import { SettingsPage } from './SettingsPage'
import { SymbolsPage } from './SymbolsPage'
import { EvaluationPage } from '../evaluation/EvaluationPage'

export interface PageDef {
  id: string
  title: string
  /** Key that opens the page with Alt held. */
  key: string
  /** Route segments after the page id, e.g. `#/chart/265598` gives `['265598']`. */
  component: ComponentType<{ params: string[] }>
}

/** The pages that exist; the sidebar lists exactly these. */
export const PAGES: readonly PageDef[] = [
  { id: 'dashboard', title: 'Dashboard', key: 'd', component: DashboardPage },
  { id: 'symbols', title: 'Symbols', key: '1', component: SymbolsPage },
  { id: 'chart', title: 'Chart', key: '2', component: ChartRoute },
  { id: 'strategies', title: 'Strategies', key: '3', component: StrategiesPage },
  { id: 'prompts', title: 'Prompts', key: '4', component: PromptsPage },
  { id: 'lineage', title: 'Timeline', key: '5', component: LineagePage },
  { id: 'signals', title: 'Signals', key: '6', component: SignalsPage },
  { id: 'stats', title: 'Statistics', key: '7', component: StatsPage },
  { id: 'lab', title: 'Evaluation lab', key: 'l', component: EvaluationPage },
  { id: 'portfolio', title: 'Portfolio', key: '8', component: PortfolioPage },
  { id: 'orders', title: 'Orders', key: '0', component: OrdersPage },
  { id: 'connection', title: 'Connection', key: '9', component: ConnectionPage },
  { id: 'settings', title: 'Settings', key: ',', component: SettingsPage },
]
