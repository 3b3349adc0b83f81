import { RiskLimits as RiskLimitsSchema, type RiskLimitsView } from '../contract/risk-limits-api'
import { DEFAULT_RISK_LIMITS, loosenPhrase, loosenedKeys, type RiskLimits } from '../domain/risk/limits'
import { RpcError } from '../rpc/errors'
import type { EventBus } from '../rpc/event-bus'
import type { Db } from '../store/db'
import { readSettings, writeSettings } from '../store/settings-repo'

// The trader's risk limits (issue #9), kept in the settings table under one key. Tightening applies
// at once; a change that loosens any limit needs the typed phrase "LOOSEN <names>" checked here, in
// main, never only in the renderer. Every change is audited with its before and after.

const KEY = 'risk.limits'

/** The typed phrase that resets a latch (kill switch, daily loss) or arms live trading for an account. */
export const resetPhrase = (account: string) => `RESET ${account}`

export function createRiskLimits(d: { db: Db; bus: EventBus; now(): number }) {
  let cache: { limits: RiskLimits; updatedAt: number | null } | null = null

  function load(): { limits: RiskLimits; updatedAt: number | null } {
    if (cache) return cache
    const stored = readSettings(d.db).get(KEY) as { limits?: unknown; updatedAt?: number } | undefined
    // A stored value that no longer parses (an older version) falls back to the defaults, field by field.
    const merged = RiskLimitsSchema.safeParse({ ...DEFAULT_RISK_LIMITS, ...(stored?.limits ?? {}) })
    cache = {
      limits: merged.success ? merged.data : DEFAULT_RISK_LIMITS,
      updatedAt: stored?.updatedAt ?? null,
    }
    return cache
  }

  const view = (): RiskLimitsView => ({ ...load(), defaults: DEFAULT_RISK_LIMITS })

  return {
    /** The limits in force now (read on every gate check; cached until changed). */
    current: (): RiskLimits => load().limits,
    view,
    set(next: RiskLimits, confirmation: string | undefined): RiskLimitsView {
      const parsed = RiskLimitsSchema.safeParse(next)
      if (!parsed.success)
        throw new RpcError('BAD_INPUT', parsed.error.issues.map((i) => i.message).join('; '), parsed.error.issues)
      const before = load().limits
      const after = parsed.data
      const loosened = loosenedKeys(before, after)
      if (loosened.length > 0 && confirmation?.trim() !== loosenPhrase(loosened)) {
        const list = loosened.map((k) => `${k} ${String(before[k])} → ${String(after[k])}`).join(', ')
        throw new RpcError(
          'FORBIDDEN',
          `This loosens ${list}. Type exactly "${loosenPhrase(loosened)}" to confirm; nothing was changed.`,
          { phrase: loosenPhrase(loosened), loosened },
        )
      }
      const changed = (Object.keys(after) as (keyof RiskLimits)[]).filter((k) => before[k] !== after[k])
      if (changed.length === 0) return view()
      const at = d.now()
      writeSettings(
        d.db,
        new Map([[KEY, { limits: after, updatedAt: at }]]),
        {
          actor: 'user',
          action: loosened.length > 0 ? 'risk.limits.loosen' : 'risk.limits.tighten',
          details: {
            before: Object.fromEntries(changed.map((k) => [k, before[k]])),
            after: Object.fromEntries(changed.map((k) => [k, after[k]])),
            loosened,
          },
        },
        at,
      )
      cache = { limits: after, updatedAt: at }
      d.bus.emit('db.changed', { tables: ['settings', 'audit_log'] })
      return view()
    },
  }
}

export type RiskLimitsService = ReturnType<typeof createRiskLimits>
