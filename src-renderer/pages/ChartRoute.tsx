import { useEffect } from 'react'
import { Watchlist } from './SymbolsPage'
import { ChartPage } from './ChartPage'

const LAST_CHART_KEY = 'ibkr-ws.chart.last'

/** `#/chart/<conid>`; without a conid, the last chart opened, or a prompt to pick one. */
export function ChartRoute({ params }: { params: string[] }) {
  const conid = Number(params[0] ?? localStorage.getItem(LAST_CHART_KEY))
  const valid = Number.isSafeInteger(conid) && conid > 0
  useEffect(() => {
    if (valid) localStorage.setItem(LAST_CHART_KEY, String(conid))
  }, [conid, valid])
  if (!valid) {
    return (
      <div className="page">
        <header className="page-header">
          <h1>Chart</h1>
        </header>
        <p className="muted">
          Pick an instrument from the watchlist, or find one on the <a href="#/symbols">Symbols</a> page.
        </p>
        <Watchlist />
      </div>
    )
  }
  return <ChartPage key={conid} conid={conid} />
}
