import { sql } from 'drizzle-orm'
import { liveExit, outcomeMetrics, type OutcomeMetrics } from '../domain/evaluation/outcomes'
import type { CalibrationPoint } from '../domain/evaluation/metrics'
import type { Db } from './db'

// Outcomes per analyst (provider, model) and prompt version (F18), from two sources kept apart: live
// round-trip trades closed in the window, each linked to the signal that opened it, and the decisions
// of evaluations (F25) that finished in the window and passed their self-tests.

export interface OutcomeStats extends OutcomeMetrics {
  provider: string
  model: string
  promptVersionId: string | null
  promptLabel: string | null
  /** Live: signals created in the window. Evaluation: decisions. */
  signals: number
  /** Evaluation: how many evaluations the decisions come from; live: null. */
  evaluations: number | null
}

interface Group {
  provider: string
  model: string
  promptVersionId: string | null
  signals: number
  evaluations: number | null
  rs: number[]
  calib: CalibrationPoint[]
}

const key = (provider: string, model: string, pv: string | null) => `${provider}\u0000${model}\u0000${pv ?? ''}`

function group(groups: Map<string, Group>, provider: string, model: string, pv: string | null): Group {
  const k = key(provider, model, pv)
  let g = groups.get(k)
  if (!g) {
    g = { provider, model, promptVersionId: pv, signals: 0, evaluations: null, rs: [], calib: [] }
    groups.set(k, g)
  }
  return g
}

function finish(db: Db, groups: Map<string, Group>): OutcomeStats[] {
  const labels = new Map(
    db
      .all<{ id: string; label: string }>(
        sql`SELECT v.id AS id, t.name || ' v' || v.version AS label
          FROM prompt_versions v JOIN prompt_templates t ON t.id = v.template_id`,
      )
      .map((r) => [r.id, r.label]),
  )
  return [...groups.values()]
    .map((g) => ({
      provider: g.provider,
      model: g.model,
      promptVersionId: g.promptVersionId,
      promptLabel: g.promptVersionId ? (labels.get(g.promptVersionId) ?? null) : null,
      signals: g.signals,
      evaluations: g.evaluations,
      ...outcomeMetrics(g.rs, g.calib),
    }))
    .sort((a, b) => b.trades - a.trades || b.signals - a.signals || a.model.localeCompare(b.model))
}

/** Live: signals created in [from, to] per group; trades closed in [from, to] by the group of their signal. */
export function liveOutcomes(db: Db, from: number, to: number): OutcomeStats[] {
  const groups = new Map<string, Group>()
  for (const s of db.all<{ provider: string; model: string; pv: string | null; n: number }>(sql`
    SELECT provider, model, prompt_version_id AS pv, count(*) AS n FROM signals
    WHERE created_at BETWEEN ${from} AND ${to} GROUP BY provider, model, prompt_version_id`))
    group(groups, s.provider, s.model, s.pv).signals = s.n
  const trades = db.all<{
    provider: string
    model: string
    pv: string | null
    r: number | null
    direction: 'long' | 'short'
    exitPrice: string
    stop: string | null
    targets: string
    confidence: number | null
  }>(sql`
    SELECT s.provider AS provider, s.model AS model, s.prompt_version_id AS pv, t.r_multiple AS r,
      t.direction AS direction, t.exit_price AS exitPrice, s.stop AS stop, s.targets AS targets,
      s.confidence AS confidence
    FROM trades t JOIN signals s ON s.id = t.signal_id
    WHERE t.closed_at BETWEEN ${from} AND ${to} AND t.exit_price IS NOT NULL`)
  for (const t of trades) {
    const g = group(groups, t.provider, t.model, t.pv)
    if (t.r === null) continue
    g.rs.push(t.r)
    const target = (JSON.parse(t.targets) as number[])[0] ?? null
    const exit = liveExit(
      { direction: t.direction, exitPrice: Number(t.exitPrice) },
      { stop: t.stop === null ? null : Number(t.stop), target },
    )
    if (exit !== null && t.confidence !== null) g.calib.push({ p: t.confidence, hit: exit === 'target' })
  }
  return finish(db, groups)
}

/**
 * Evaluations that succeeded (self-tests passed) and finished in [from, to]: every decision under its
 * arm's analyst and prompt version; a trade is a decision with a simulated R, calibrated as the report does.
 */
export function evaluationOutcomes(db: Db, from: number, to: number): OutcomeStats[] {
  const groups = new Map<string, Group>()
  const seen = new Map<string, Set<string>>()
  // The arms once per evaluation (the report is large: never parsed per decision).
  const evaluations = db.all<{ id: string; arms: string | null }>(sql`
    SELECT id, json_extract(report, '$.arms') AS arms FROM evaluations
    WHERE status = 'succeeded' AND finished_at BETWEEN ${from} AND ${to}`)
  for (const e of evaluations) {
    const arms = (e.arms ? JSON.parse(e.arms) : []) as { provider?: string; model?: string; promptVersionId?: string }[]
    const rows = db.all<{ arm: number; r: number | null; exitReason: string | null; confidence: number | null }>(sql`
      SELECT arm, r, exit_reason AS exitReason, confidence FROM evaluation_decisions WHERE evaluation_id = ${e.id}`)
    for (const d of rows) {
      const a = arms[d.arm]
      if (!a?.provider || !a.model) continue
      const pv = a.promptVersionId ?? null
      const g = group(groups, a.provider, a.model, pv)
      g.signals++
      const k = key(a.provider, a.model, pv)
      const evs = seen.get(k) ?? new Set<string>()
      evs.add(e.id)
      seen.set(k, evs)
      g.evaluations = evs.size
      if (d.r !== null) g.rs.push(d.r)
      if (d.confidence !== null && (d.exitReason === 'target' || d.exitReason === 'stop'))
        g.calib.push({ p: d.confidence, hit: d.exitReason === 'target' })
    }
  }
  return finish(db, groups)
}
