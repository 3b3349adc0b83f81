import { z } from 'zod'
import { LlmModel, SignalAction } from './models'
import { SignalStatus } from './signals'

// The evaluation lab (F25, EVALUATION.md). The shapes of `evaluations.estimate/start/get/decisions/
// list/cancel` are a stable interface (ARCHITECTURE.md): scripts outside the app use them. Change them
// only additively. `evaluations.report` carries the report page's figures beyond the stable summary.

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Dates are YYYY-MM-DD')
const EvaluationId = z.string().min(1).max(64)

export const EvaluationArm = z
  .object({
    analyst: z.enum(['rules', 'llm']).optional(),
    promptVersionId: z.string().min(1).max(64).optional(),
    model: LlmModel.optional(),
    /**
     * What the model may see (EVALUATION.md §7), cumulative: `symbol` hides the ticker ("STOCK A"),
     * `date` also the dates (relative sessions, bare chart axes), `blinded` also the price level
     * (rescaled to 100 at the window start, in the charts and every number of the prompt). Default bright.
     */
    blinding: z.enum(['bright', 'symbol', 'date', 'blinded']).optional(),
    /** Mirror probe: the series flipped (y → 2ȳ − y); a chart reader should flip BUY and SELL. */
    mirror: z.boolean().optional(),
    /** false: the no-chart baseline (§6), the same prompt with no images. Default true. */
    charts: z.boolean().optional(),
  })
  .strict()
export type EvaluationArm = z.infer<typeof EvaluationArm>

/** meanR: mean R net per paired date (no trade = 0 R); hitRate: target before stop on dates both arms
 * traded; brier: Brier score of confidence for target-before-stop (lower is better). */
export const PrimaryMetric = z.enum(['meanR', 'hitRate', 'brier'])
export type PrimaryMetric = z.infer<typeof PrimaryMetric>
export const PRIMARY_METRIC_LABEL: Record<PrimaryMetric, string> = {
  meanR: 'mean R net',
  hitRate: 'hit rate',
  brier: 'Brier score',
}

export const EvaluationRequest = z
  .object({
    strategyId: z.string().min(1).max(64),
    from: IsoDate,
    to: IsoDate,
    /** Sessions to the time exit (t+H); default 20. */
    horizon: z.number().int().min(1).max(250).optional(),
    /** No arms: the strategy's own analyst, prompt and model. */
    arms: z.array(EvaluationArm).min(1).max(4).optional(),
    /** Hard LLM budget for the whole evaluation, USD (reserved per call, fail-closed). */
    budgetUsd: z.number().min(0).max(10_000).optional(),
    /** The A/B primary metric, declared before the run (default mean R net). */
    primaryMetric: PrimaryMetric.optional(),
    /** Repeat-call noise floor: 3 calls on a seeded 10 % sample of dates (at most 25) per language-model
     * arm; costs calls, so it is in the estimate and the budget. Default: on when an arm asks a model. */
    noiseFloor: z.boolean().optional(),
  })
  .strict()
  .refine((r) => r.from <= r.to, { message: 'The range starts after it ends', path: ['from'] })
export type EvaluationRequest = z.infer<typeof EvaluationRequest>

export const EvaluationEstimate = z.object({
  decisions: z.number().int(),
  calls: z.number().int(),
  cachedCalls: z.number().int(),
  usdLow: z.number(),
  usdHigh: z.number(),
  seconds: z.number(),
})

const Metric = z.number().nullable()
export const EvaluationMetrics = z.object({
  winRate: Metric,
  expectancyR: Metric,
  profitFactor: Metric,
  maxDrawdownPct: Metric,
  sharpe: Metric,
  brier: Metric,
})
export type EvaluationMetrics = z.infer<typeof EvaluationMetrics>

export const EvaluationStatus = z.enum(['running', 'succeeded', 'failed', 'cancelled'])
export type EvaluationStatus = z.infer<typeof EvaluationStatus>

export const EvaluationView = z.object({
  id: z.string(),
  status: EvaluationStatus,
  progress: z.object({ done: z.number().int(), total: z.number().int() }),
  error: z.string().nullable(),
  report: z
    .object({
      decisions: z.number().int(),
      trades: z.number().int(),
      lookahead: z.object({ passed: z.boolean(), checked: z.number().int() }),
      arms: z.array(z.object({ label: z.string(), metrics: EvaluationMetrics })),
    })
    .nullable(),
})
export type EvaluationView = z.infer<typeof EvaluationView>

export const EvaluationDecision = z.object({
  /** The decision's session; fill and exit dates likewise. */
  date: IsoDate,
  action: SignalAction,
  status: SignalStatus,
  entry: z.number().nullable(),
  stop: z.number().nullable(),
  targets: z.array(z.number()),
  confidence: z.number().nullable(),
  fill: z.object({ date: IsoDate, price: z.number() }).nullable(),
  exit: z
    .object({ date: IsoDate, price: z.number(), reason: z.enum(['target', 'stop', 'time', 'expired']) })
    .nullable(),
  r: z.number().nullable(),
  ambiguous: z.boolean(),
  runId: z.string().nullable(),
  /** Whether the decision's run can be opened: false once retention deleted it (the id stays for
   * reference), or when an exported bundle could not hold it. Absent from older servers. */
  runKept: z.boolean().optional(),
})
export type EvaluationDecision = z.infer<typeof EvaluationDecision>

export const EvaluationListItem = z.object({
  id: z.string(),
  strategyId: z.string(),
  strategyName: z.string().nullable(),
  from: IsoDate,
  to: IsoDate,
  horizon: z.number().int(),
  status: EvaluationStatus,
  progress: z.object({ done: z.number().int(), total: z.number().int() }),
  createdAt: z.number().int(),
})
export type EvaluationListItem = z.infer<typeof EvaluationListItem>

const Interval = z.object({ low: z.number(), high: z.number() }).nullable()

const SweepRow = z.object({
  bps: z.number(),
  trades: z.number().int(),
  expectancyR: z.number().nullable(),
  winRate: z.number().nullable(),
  profitFactor: z.number().nullable(),
  totalR: z.number().nullable(),
})
const Recalibration = z.object({
  threshold: z.number(),
  judged: z.number().int(),
  passed: z.object({ n: z.number().int(), meanR: z.number().nullable() }),
  blocked: z.object({ n: z.number().int(), meanR: z.number().nullable() }),
  rawPassed: z.number().int(),
})
const BestOfNRow = z.object({
  evaluationId: z.string(),
  arm: z.number().int(),
  label: z.string(),
  sharpe: z.number().nullable(),
  expectancyR: z.number().nullable(),
  trades: z.number().int(),
  sessions: z.number().int(),
  current: z.boolean(),
  p: z.number().nullable(),
  holmP: z.number().nullable(),
  dsr: z.number().nullable(),
})

export const ArmView = z.object({
  blinding: z.enum(['bright', 'symbol', 'date', 'blinded']),
  mirror: z.boolean(),
  charts: z.boolean(),
})

export const EvaluationProbe = z.object({
  kind: z.enum(['blinding', 'mirror', 'noChart']),
  /** The probed arm and the bright arm it is compared with (indexes into `arms`). */
  arm: z.number().int(),
  base: z.number().int(),
  /** Dates both arms decided. */
  pairs: z.number().int(),
  /** Share of those dates with the same action (a mirrored arm's actions mapped back to real sides). */
  agreement: z.number().nullable(),
  /** Base arm minus this arm: mean R net and win rate. */
  deltaExpectancyR: z.number().nullable(),
  deltaWinRate: z.number().nullable(),
  /** Mirror probe only: dates the base said BUY or SELL, and how many of those the mirrored answer flipped. */
  flips: z
    .object({ directional: z.number().int(), flipped: z.number().int(), share: z.number().nullable() })
    .nullable(),
})
export type EvaluationProbe = z.infer<typeof EvaluationProbe>

/** One paired statistic of an A/B comparison with its repeat-call noise floor. */
export const AbRow = z.object({
  /** The three paired differences (A − B, positive favouring A; Brier as B's error minus A's) and κ. */
  key: z.enum(['meanR', 'hitRate', 'brier', 'kappa']),
  label: z.string(),
  /** Dates both arms have a value for. */
  pairs: z.number().int(),
  /** The mean paired difference; for κ the agreement statistic itself. null with no pairs. */
  value: z.number().nullable(),
  /** ± what call-to-call randomness alone could move it (95 %); null when not measurable. */
  noiseFloor: z.number().nullable(),
})
export type AbRow = z.infer<typeof AbRow>

/** Everything the report page draws, per arm (EVALUATION.md §3–§7). */
export const EvaluationReport = z.object({
  id: z.string(),
  strategyId: z.string(),
  symbol: z.string(),
  from: IsoDate,
  to: IsoDate,
  horizon: z.number().int(),
  /** Where the bars came from. */
  source: z.enum(['simulator', 'gateway']),
  capital: z.number(),
  lookahead: z.object({
    passed: z.boolean(),
    checked: z.number().int(),
    failures: z.array(z.object({ date: IsoDate, artifact: z.string() })),
  }),
  warmup: z.object({ passed: z.boolean(), maxDeviationPct: z.number().nullable() }),
  buyAndHoldPct: z.number().nullable(),
  sessions: z.array(IsoDate),
  arms: z.array(
    z.object({
      label: z.string(),
      provider: z.string(),
      model: z.string(),
      promptVersionId: z.string().nullable(),
      /** What the arm's model saw (§6, §7); absent in reports written before the option existed. */
      view: ArmView.optional(),
      metrics: EvaluationMetrics,
      intervals: z.record(z.string(), Interval),
      decisions: z.number().int(),
      trades: z.number().int(),
      netPnl: z.number(),
      costs: z.number(),
      llmUsd: z.number(),
      ambiguousShare: z.number().nullable(),
      expectancyOptimisticR: z.number().nullable(),
      /** Ambiguous trades whose order the session's 5-minute bars settled, and the mean R with them. */
      intraday: z
        .object({ ambiguous: z.number().int(), resolved: z.number().int(), expectancyR: z.number().nullable() })
        .optional(),
      returnPct: z.number().nullable(),
      actions: z.record(z.string(), z.number().int()),
      exits: z.record(z.string(), z.number().int()),
      equity: z.array(z.number()),
      equityAfterLlm: z.array(z.number()),
      rValues: z.array(z.number()),
      calibration: z.object({
        n: z.number().int(),
        bins: z.array(
          z.object({
            lo: z.number(),
            hi: z.number(),
            n: z.number().int(),
            meanP: z.number(),
            hitRate: z.number(),
            interval: Interval,
          }),
        ),
        brier: z.number().nullable(),
        ece: z.number().nullable(),
        auroc: z.number().nullable(),
        pointBiserial: z.number().nullable(),
        skill: z.number().nullable(),
      }),
      baselines: z.object({
        randomP: z.number().nullable(),
        randomMedianR: z.number().nullable(),
        alwaysHoldR: z.number().nullable(),
      }),
      cutoff: z.object({
        date: IsoDate.nullable(),
        before: z.object({ trades: z.number().int(), expectancyR: z.number().nullable() }),
        after: z.object({ trades: z.number().int(), expectancyR: z.number().nullable() }),
      }),
      /** The same trades under 0/5/10/25 bps slippage (§2); absent on reports from before. */
      slippageSweep: z.array(SweepRow).nullable().optional(),
      /** Walk-forward recalibration against the strategy's confidence threshold (§4). */
      recalibration: Recalibration.optional(),
      /** Repeat-call noise (§5): dates sampled, share whose action flipped, within-date SD of R. A free,
       * deterministic analyst has none by construction (0, no calls); null when not measured. */
      noise: z
        .object({
          sampled: z.number().int(),
          flipRate: z.number(),
          sdR: z.number(),
          deterministic: z.boolean(),
          /** Within-date SD of the hit (target before stop) over the calls that reached one, and of the
           * Brier term (p − hit)²; null when no sampled date had two such calls. Absent in older reports. */
          sdHit: z.number().nullable().optional(),
          sdBrier: z.number().nullable().optional(),
        })
        .nullable()
        .optional(),
    }),
  ),
  /** Every arm of every evaluation of this strategy and symbol on an overlapping window (§5). */
  bestOfN: z.object({ trials: z.number().int(), rows: z.array(BestOfNRow) }).optional(),
  ab: z
    .object({
      metric: z.string(),
      pairs: z.number().int(),
      meanDiff: z.number().nullable(),
      interval: Interval,
      p: z.number().nullable(),
      mcnemarP: z.number().nullable(),
      kappa: z.number().nullable(),
      mde: z.number().nullable(),
      verdict: z.string(),
      /** ± the difference call-to-call randomness alone could produce (95 %) on the declared metric;
       * null when not measured. */
      noiseFloor: z.number().nullable().optional(),
      /** Every paired statistic of the comparison beside its own repeat-call noise floor (§5). Absent in
       * older reports. */
      rows: z.array(AbRow).optional(),
      /** Both arms are deterministic (the rules analyst): every floor is 0 by construction, not measured. */
      deterministic: z.boolean().optional(),
    })
    .nullable(),
  trials: z.number().int(),
  /**
   * Each blinded, mirrored or no-chart arm against the bright arm with the same analyst, model and
   * prompt (§6, §7): base minus this arm, action agreement, and for the mirror probe the share of
   * BUY↔SELL flips (a chart reader flips). Absent in older reports.
   */
  probes: z.array(EvaluationProbe).optional(),
})
export type EvaluationReport = z.infer<typeof EvaluationReport>

export const EvaluationProgress = z.object({
  evaluationId: z.string(),
  status: EvaluationStatus,
  done: z.number().int(),
  total: z.number().int(),
  /** Estimated milliseconds left; null until a few dates are done. */
  etaMs: z.number().nullable(),
  /** What the evaluation is doing once every date is decided (absent while deciding). */
  phase: z.enum(['self-test', 'report']).optional(),
})

/** A page of an evaluation's decisions (live store, and an imported bundle's with its library id). */
export const DecisionsQuery = z
  .object({
    evaluationId: EvaluationId,
    arm: z.number().int().min(0).max(3).optional(),
    offset: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(5000).optional(),
    /** Only decisions with a fill and an exit (the trades behind a metric). */
    tradesOnly: z.boolean().optional(),
  })
  .strict()

export const evaluationMethods = {
  'evaluations.estimate': { input: EvaluationRequest, output: EvaluationEstimate },
  'evaluations.start': { input: EvaluationRequest, output: z.object({ evaluationId: z.string() }) },
  'evaluations.get': { input: z.object({ evaluationId: EvaluationId }).strict(), output: EvaluationView },
  'evaluations.decisions': { input: DecisionsQuery, output: z.array(EvaluationDecision) },
  'evaluations.list': { input: z.object({}).strict(), output: z.array(EvaluationListItem) },
  'evaluations.cancel': { input: z.object({ evaluationId: EvaluationId }).strict(), output: EvaluationView },
  'evaluations.report': { input: z.object({ evaluationId: EvaluationId }).strict(), output: EvaluationReport },
  /** Continue a failed (e.g. budget exhausted) or cancelled evaluation; finished dates are not asked again. */
  'evaluations.resume': {
    input: z.object({ evaluationId: EvaluationId, budgetUsd: z.number().min(0).max(10_000).optional() }).strict(),
    output: EvaluationView,
  },
} as const
