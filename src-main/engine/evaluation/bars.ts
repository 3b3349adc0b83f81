import type { Bar } from '../../contract/models'
import type { EvaluationRequest } from '../../contract/evaluations-api'
import { decisionDates, sessionAfter } from '../../domain/evaluation/calendar'
import { nyDate } from '../../domain/indicators/ny-time'
import { lastClosedSession } from '../../domain/runs/market-data'
import { RpcError } from '../../rpc/errors'
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

/** The request's NYSE sessions, or a clear error: it ends after the last close, holds none, or > 10 y. */
export function checkRange(now: number, r: Pick<EvaluationRequest, 'from' | 'to'>): string[] {
  const last = lastClosedSession(now)
  if (r.to > last) throw new RpcError('BAD_INPUT', `The range ends ${r.to}, after the last closed session ${last}.`)
  const dates = decisionDates(r.from, r.to)
  if (dates.length === 0) throw new RpcError('BAD_INPUT', `No NYSE session between ${r.from} and ${r.to}.`)
  if (dates.length > 2600) throw new RpcError('BAD_INPUT', 'At most ten years of sessions per evaluation.')
  return dates
}
