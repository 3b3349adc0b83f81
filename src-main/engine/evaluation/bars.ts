import type { Bar } from '../../contract/models'
import { sessionAfter } from '../../domain/evaluation/calendar'
import { nyDate } from '../../domain/indicators/ny-time'
import { lastClosedSession } from '../../domain/runs/market-data'
import * as repo from '../../store/evaluation-repo'
import { WARMUP_BARS } from './asof-pipeline'
import type { EvaluationDeps } from './service'

/** Daily bars for an evaluation, fetched once per source and cached in the store (paced by the caller). */
export async function loadBars(
  d: Pick<EvaluationDeps, 'db' | 'now' | 'history' | 'source'>,
  conid: number,
  from: string,
  to: string,
  horizon: number,
): Promise<Bar[]> {
  const src = d.source()
  const needFrom = new Date(Date.parse(`${from}T00:00:00Z`) - Math.ceil(WARMUP_BARS * 1.5) * 86_400_000)
    .toISOString()
    .slice(0, 10)
  const last = lastClosedSession(d.now())
  const after = sessionAfter(to, horizon)
  const needTo = after < last ? after : last
  const have = repo.cachedRange(d.db, src.key, conid)
  if (!have || have.first > needFrom || have.last < needTo) {
    const years = Math.min(15, Math.ceil((d.now() - Date.parse(`${needFrom}T00:00:00Z`)) / (365 * 86_400_000)) + 1)
    const bars = (await d.history(conid, `${years}y`))
      .map((b) => ({ ...b, date: nyDate(b.t) }))
      .filter((b) => b.date <= last)
    repo.cacheBars(d.db, src.key, conid, bars, d.now())
  }
  return repo.cachedBars(d.db, src.key, conid, '0000-01-01', '9999-12-31')
}
