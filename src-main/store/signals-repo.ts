import { and, desc, eq, gte, lt, sql } from 'drizzle-orm'
import type { SignalFilter, SignalSummary } from '../contract/runs'
import type { Db } from './db'
import { llmUsage, signals } from './schema'

// Signals (F11) and the LLM ledger (LLM.md §9). Money as integer micro-dollars; prices as decimal
// text in the table, numbers in the contract.

export interface NewSignal {
  id: string
  runId: string
  strategyId: string | null
  conid: number
  symbol: string
  action: SignalSummary['action']
  status: SignalSummary['status']
  confidence: number | null
  entry: number | null
  stop: number | null
  targets: number[]
  rewardRisk: number | null
  provider: string
  model: string
  promptVersionId: string | null
  payload: unknown
  expiresAt: number | null
  createdAt: number
}

const money = (n: number | null) => (n === null ? null : String(n))
const num = (s: string | null) => (s === null ? null : Number(s))

export function insertSignal(db: Db, s: NewSignal): void {
  db.insert(signals)
    .values({ ...s, entry: money(s.entry), stop: money(s.stop), targets: s.targets, payload: s.payload ?? null })
    .run()
}

export function listSignals(db: Db, f: SignalFilter): SignalSummary[] {
  const where = and(
    f.strategyId ? eq(signals.strategyId, f.strategyId) : undefined,
    f.status ? eq(signals.status, f.status) : undefined,
    f.action ? eq(signals.action, f.action) : undefined,
    f.before !== undefined ? lt(signals.createdAt, f.before) : undefined,
  )
  return db
    .select()
    .from(signals)
    .where(where)
    .orderBy(desc(signals.createdAt))
    .limit(f.limit)
    .all()
    .map((r) => ({
      id: r.id,
      runId: r.runId,
      strategyId: r.strategyId,
      conid: r.conid,
      symbol: r.symbol,
      action: r.action as SignalSummary['action'],
      status: r.status as SignalSummary['status'],
      confidence: r.confidence,
      entry: num(r.entry),
      stop: num(r.stop),
      targets: r.targets as number[],
      rewardRisk: r.rewardRisk,
      provider: r.provider,
      model: r.model,
      promptVersionId: r.promptVersionId,
      reason: ((r.payload as { reason?: string | null } | null)?.reason ?? null) as string | null,
      ...verdictOf(r.payload),
      outcome: r.outcome ?? null,
      expiresAt: r.expiresAt,
      createdAt: r.createdAt,
    }))
}

/** The drafted action and the deciding rule, from the recorded verdict (older rows may lack them). */
function verdictOf(payload: unknown): { draftAction: 'BUY' | 'SELL' | 'HOLD' | null; rule: string | null } {
  const v = (payload as { verdict?: { draft?: { action?: unknown } | null; violations?: unknown } } | null)?.verdict
  const action = v?.draft?.action
  const violations = Array.isArray(v?.violations) ? (v.violations as { rule?: unknown; severity?: unknown }[]) : []
  const deciding = violations.find((x) => x.severity === 'review') ?? violations.find((x) => x.severity === 'downgrade')
  return {
    draftAction: action === 'BUY' || action === 'SELL' || action === 'HOLD' ? action : null,
    rule: typeof deciding?.rule === 'string' ? deciding.rule : null,
  }
}

/** A strategy's last signals for the prompt's `previous_analyses` (newest first). */
export interface UsageRow {
  at: number
  runId: string | null
  strategyId: string | null
  step: string | null
  provider: string
  model: string
  purpose: string
  promptTokens: number
  completionTokens: number
  costMicros: number
  priced: boolean
  latencyMs: number
  ok: boolean
  detail: unknown
}

export function insertUsage(db: Db, rows: UsageRow[]): void {
  if (rows.length === 0) return
  db.transaction((tx) => {
    for (const r of rows)
      tx.insert(llmUsage)
        .values({ ...r, detail: r.detail ?? null })
        .run()
  })
}

/** Spend of a strategy since `since`, in micro-dollars. */
export function strategySpendSince(db: Db, strategyId: string, since: number): number {
  return db
    .select({ c: sql<number>`coalesce(sum(${llmUsage.costMicros}), 0)` })
    .from(llmUsage)
    .where(and(eq(llmUsage.strategyId, strategyId), gte(llmUsage.at, since)))
    .get()!.c
}
