import { sql } from 'drizzle-orm'
import type { Db } from './db'

// Statistics (F18): per step (from lineage-repo's stepStats, plus the most frequent errors), per
// strategy, and per prompt version and model. Aggregates in SQL over indexed ranges.

export interface TopError {
  step: string
  message: string
  count: number
}

/** The most frequent failure messages of each step in a window. */
export function topErrors(db: Db, from: number, to: number, perStep = 3): TopError[] {
  const rows = db.all<{ step: string; message: string; count: number }>(sql`
    SELECT step, coalesce(json_extract(error, '$.message'), '(no message)') AS message, count(*) AS count
    FROM run_steps INDEXED BY run_steps_stats
    WHERE status = 'failed' AND started_at BETWEEN ${from} AND ${to}
    GROUP BY step, message
    ORDER BY step, count DESC`)
  const seen = new Map<string, number>()
  return rows.filter((r) => {
    const n = seen.get(r.step) ?? 0
    seen.set(r.step, n + 1)
    return n < perStep
  })
}

export interface StrategyStats {
  strategyId: string
  name: string
  runs: number
  succeeded: number
  failed: number
  aborted: number
  p50Ms: number | null
  lastRunAt: number | null
  signals: number
  actionable: number
  reviews: number
}

export function strategyStats(db: Db, from: number, to: number): StrategyStats[] {
  const runs = db.all<{
    strategyId: string
    name: string
    runs: number
    succeeded: number
    failed: number
    aborted: number
    lastRunAt: number | null
  }>(sql`
    SELECT r.strategy_id AS strategyId, s.name AS name, count(*) AS runs,
      sum(r.status = 'succeeded') AS succeeded, sum(r.status = 'failed') AS failed,
      sum(r.status = 'aborted') AS aborted,
      max(r.started_at) AS lastRunAt
    FROM runs r JOIN strategies s ON s.id = r.strategy_id
    WHERE r.trigger NOT IN ('replay', 'eval') AND r.started_at BETWEEN ${from} AND ${to}
    GROUP BY r.strategy_id ORDER BY s.name`)
  return runs.map((r) => {
    const durations = db.all<{ d: number }>(
      sql`SELECT ended_at - started_at AS d FROM runs
        WHERE strategy_id = ${r.strategyId} AND trigger NOT IN ('replay', 'eval') AND ended_at IS NOT NULL
          AND started_at BETWEEN ${from} AND ${to} ORDER BY d`,
    )
    const sig = db.get<{ n: number; actionable: number; reviews: number }>(sql`
      SELECT count(*) AS n, sum(status = 'ACCEPTED' AND action IN ('BUY', 'SELL')) AS actionable,
        sum(status = 'REVIEW') AS reviews
      FROM signals WHERE strategy_id = ${r.strategyId} AND created_at BETWEEN ${from} AND ${to}`)!
    return {
      ...r,
      p50Ms: durations.length ? durations[Math.ceil(durations.length / 2) - 1]!.d : null,
      signals: sig.n,
      actionable: sig.actionable ?? 0,
      reviews: sig.reviews ?? 0,
    }
  })
}

export interface ModelStats {
  provider: string
  model: string
  promptVersionId: string | null
  promptLabel: string | null
  signals: number
  accepted: number
  downgraded: number
  reviews: number
  buys: number
  sells: number
  holds: number
  promptTokens: number
  completionTokens: number
  costMicros: number
  unpricedCalls: number
}

export function modelStats(db: Db, from: number, to: number): ModelStats[] {
  return db.all<ModelStats>(sql`
    WITH sig AS (
      SELECT provider, model, prompt_version_id, count(*) AS signals,
        sum(status = 'ACCEPTED') AS accepted, sum(status = 'DOWNGRADED') AS downgraded,
        sum(status = 'REVIEW') AS reviews,
        sum(action = 'BUY') AS buys, sum(action = 'SELL') AS sells, sum(action = 'HOLD') AS holds
      FROM signals WHERE created_at BETWEEN ${from} AND ${to}
      GROUP BY provider, model, prompt_version_id
    ),
    usage AS (
      SELECT s.provider, s.model, s.prompt_version_id, sum(u.prompt_tokens) AS pt,
        sum(u.completion_tokens) AS ct, sum(u.cost_micros) AS cost, sum(u.priced = 0) AS unpriced
      FROM llm_usage u JOIN signals s ON s.run_id = u.run_id
      WHERE u.at BETWEEN ${from} AND ${to}
      GROUP BY s.provider, s.model, s.prompt_version_id
    )
    SELECT sig.provider AS provider, sig.model AS model, sig.prompt_version_id AS promptVersionId,
      CASE WHEN t.name IS NULL THEN NULL ELSE t.name || ' v' || v.version END AS promptLabel,
      sig.signals AS signals, sig.accepted AS accepted, sig.downgraded AS downgraded, sig.reviews AS reviews,
      sig.buys AS buys, sig.sells AS sells, sig.holds AS holds,
      coalesce(usage.pt, 0) AS promptTokens, coalesce(usage.ct, 0) AS completionTokens,
      coalesce(usage.cost, 0) AS costMicros, coalesce(usage.unpriced, 0) AS unpricedCalls
    FROM sig
    LEFT JOIN usage ON usage.provider = sig.provider AND usage.model = sig.model
      AND usage.prompt_version_id IS sig.prompt_version_id
    LEFT JOIN prompt_versions v ON v.id = sig.prompt_version_id
    LEFT JOIN prompt_templates t ON t.id = v.template_id
    ORDER BY sig.signals DESC`)
}
