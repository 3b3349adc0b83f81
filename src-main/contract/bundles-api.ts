import { z } from 'zod'
import { DecisionsQuery, EvaluationDecision, EvaluationListItem, EvaluationReport } from './evaluations-api'
import { RunStatus, RunStep, RunSummary } from './models'

// Portable review bundles (F20) and retention (F21): the methods, their inputs and outputs.
// Imports only zod and sibling contract files, like every contract file.

/** Every bundle file ends in this extension; import and export refuse anything else. */
export const BUNDLE_EXT = '.wsbundle'
export const BUNDLE_FORMAT = 'ibkr-ws-bundle'
/**
 * The newest bundle layout this app reads (bumped on any incompatible change); it reads every format
 * from 1 up to this one.
 *  - 1: runs and their lineage. Evaluation bundles written before format 2 also say 1 and are still read.
 *  - 2: a bundle with evaluation content (the evaluation tables, and `missingRuns`).
 * Only bundles with evaluation content are written as 2. A bundle of runs keeps the layout of format 1
 * and says 1, so every app that reads format 1 still opens it; an app that knows format 1 only refuses
 * an evaluation bundle as "written by a newer version: update this app" instead of calling it damaged.
 */
export const BUNDLE_FORMAT_VERSION = 2
/** The format a bundle of runs only is written in (its layout has not changed since format 1). */
export const RUN_BUNDLE_FORMAT_VERSION = 1
/** The format a bundle with an evaluation is written in. */
export const EVALUATION_BUNDLE_FORMAT_VERSION = 2

const RunId = z.string().min(1).max(64)
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'An artifact id is 64 lowercase hex characters')

/** An imported bundle in DATA_DIR/review/<id>.wsbundle (the start of its sha256). */
export const ReviewId = z.string().regex(/^[0-9a-f]{24}$/, 'A review library id is 24 lowercase hex characters')

const ABSOLUTE = /^(\/|[A-Za-z]:[\\/]|\\\\[^\\/])/

/** An absolute path to a `.wsbundle` file, with no `..` segments. */
export const BundlePath = z
  .string()
  .max(1024)
  .refine((p) => ABSOLUTE.test(p), { message: 'Use an absolute path to the bundle file' })
  .refine((p) => p.endsWith(BUNDLE_EXT), { message: `A bundle file name ends in ${BUNDLE_EXT}` })
  .refine((p) => !p.includes('\0') && !p.split(/[\\/]/).includes('..'), {
    message: 'A bundle path may not contain ".." or NUL',
  })

/** A file name stem for DATA_DIR/exports/<name>.wsbundle. */
export const BundleName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/, 'A bundle name is 1-80 letters, digits and ._- (no folders)')
  .refine((n) => !n.endsWith(BUNDLE_EXT), { message: `Give the name without ${BUNDLE_EXT}` })

/** A client-chosen id for a running import or export, to follow its progress and cancel it. */
export const BundleJobId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'A job id is 1-64 letters, digits, _ or -')

/** Progress of a bundle import or export running in its worker thread. */
export const BundleProgress = z.object({
  job: BundleJobId,
  op: z.enum(['import', 'export']),
  phase: z.enum(['hashing', 'checking', 'copying', 'verifying']),
  done: z.number().nonnegative(),
  total: z.number().nonnegative(),
})
export type BundleProgress = z.infer<typeof BundleProgress>

/**
 * Which runs go into a bundle: chosen ids, every run started in [from, to] (optionally one strategy's),
 * or one evaluation (F25): its decision runs, its row with the stored report, and its decisions.
 */
export const BundleSelection = z.union([
  z.object({ runIds: z.array(RunId).min(1).max(10_000) }).strict(),
  z.object({ evaluationId: z.string().min(1).max(64) }).strict(),
  z
    .object({ from: z.number().int(), to: z.number().int(), strategyId: z.string().min(1).max(64).optional() })
    .strict()
    .refine((s) => s.from <= s.to, { message: '"from" must not be after "to"' }),
])
export type BundleSelection = z.infer<typeof BundleSelection>

/** An artifact a step references that could not go into the bundle, and why. */
export const MissingArtifact = z.object({
  sha256: z.string(),
  reason: z.enum(['invalid_ref', 'no_row', 'no_file', 'corrupt']),
})
export type MissingArtifact = z.infer<typeof MissingArtifact>

const Count = z.number().int().nonnegative()

export const BundleCounts = z.object({
  runs: Count,
  steps: Count,
  signals: Count,
  strategies: Count,
  promptTemplates: Count,
  promptVersions: Count,
  llmUsage: Count,
  orders: Count,
  orderEvents: Count,
  executions: Count,
  trades: Count,
  artifacts: Count,
  artifactBytes: Count,
  /** Evaluation bundles only (absent in run bundles). */
  evaluations: Count.optional(),
  evaluationDecisions: Count.optional(),
})
export type BundleCounts = z.infer<typeof BundleCounts>

/** What a bundle says about itself (its `bundle_meta` table). */
export const BundleMeta = z.object({
  format: z.literal(BUNDLE_FORMAT),
  formatVersion: z.number().int().min(1).max(BUNDLE_FORMAT_VERSION),
  appVersion: z.string(),
  createdAt: z.number().int(),
  selection: BundleSelection,
  /** Start times of the first and last run in the bundle (an evaluation bundle whose runs were all
   * deleted by retention: when the evaluation was created, both). */
  range: z.object({ from: z.number().int(), to: z.number().int() }),
  counts: BundleCounts,
  missingArtifacts: z.array(MissingArtifact),
  /**
   * Evaluation bundles (format 2): the runs its decisions name that were no longer in the store when
   * it was exported (deleted by retention). Their decisions keep the run id; the run is not in the
   * file, and that is not damage. A decision naming a run the bundle neither holds nor lists here is.
   */
  missingRuns: z.array(RunId).max(100_000).optional(),
})
export type BundleMeta = z.infer<typeof BundleMeta>

export const ExportResult = z.object({
  file: z.string(),
  runs: Count,
  steps: Count,
  artifacts: Count,
  bytes: Count,
  missingArtifacts: z.array(MissingArtifact),
})
export type ExportResult = z.infer<typeof ExportResult>

/** One imported bundle; `error` says why it cannot be opened (then `meta` is null). */
export const ReviewLibraryInfo = z.object({
  id: ReviewId,
  bytes: Count,
  importedAt: z.number().int(),
  meta: BundleMeta.nullable(),
  error: z.string().nullable(),
})
export type ReviewLibraryInfo = z.infer<typeof ReviewLibraryInfo>

/** Where an imported library opens: an evaluation bundle at its report, any other in the timeline. */
export function reviewRoute(lib: { id: string; meta: BundleMeta | null }): string {
  return lib.meta && 'evaluationId' in lib.meta.selection ? `#/lab/review/${lib.id}` : `#/lineage/review/${lib.id}`
}

/**
 * How long lineage is kept. Runs (with their steps, signals and LLM usage) older than
 * `keepRunsDays` are deleted unless the trading ledger references them. Artifacts no remaining
 * step references are deleted once older than `keepArtifactsDays` (a step writes its artifacts
 * before its row exists, so fresh unreferenced files are in use).
 */
export const RetentionPolicy = z
  .object({
    keepRunsDays: z.number().int().min(7, 'Keep runs at least 7 days').max(3650, 'Keep runs at most 3650 days'),
    keepArtifactsDays: z
      .number()
      .int()
      .min(1, 'Keep unreferenced artifacts at least 1 day')
      .max(3650, 'Keep unreferenced artifacts at most 3650 days'),
  })
  .strict()
export type RetentionPolicy = z.infer<typeof RetentionPolicy>

/** Suggested values for the settings page; retention stays off until a policy is saved. */
export const DEFAULT_RETENTION_POLICY: RetentionPolicy = { keepRunsDays: 365, keepArtifactsDays: 7 }

export const RetentionResult = z.object({
  runsDeleted: Count,
  stepsDeleted: Count,
  signalsDeleted: Count,
  llmUsageDeleted: Count,
  /** Runs older than the window that stay: referenced by the trading ledger, still running, or replayed. */
  runsKept: Count,
  artifactsDeleted: Count,
  orphanFilesDeleted: Count,
  bytesFreed: Count,
})
export type RetentionResult = z.infer<typeof RetentionResult>

export const RetentionState = z.object({
  /** `null`: retention is off and nothing is ever deleted automatically. */
  policy: RetentionPolicy.nullable(),
  defaults: RetentionPolicy,
  lastRun: z.object({ at: z.number().int(), result: RetentionResult }).nullable(),
})
export type RetentionState = z.infer<typeof RetentionState>

const Empty = z.object({}).strict()
const RunPage = {
  strategyId: z.string().max(64).optional(),
  status: RunStatus.optional(),
  from: z.number().int().optional(),
  to: z.number().int().optional(),
  before: z.number().int().optional(),
  limit: z.number().int().min(1).max(500).default(100),
}
const StepStatsRow = z.object({
  step: z.string(),
  total: Count,
  succeeded: Count,
  failed: Count,
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
})

export const bundleMethods = {
  'lineage.export': {
    input: z
      .object({
        selection: BundleSelection,
        file: BundlePath.optional(),
        name: BundleName.optional(),
        job: BundleJobId.optional(),
      })
      .strict()
      .refine((i) => !(i.file && i.name), { message: 'Give either a file or a name, not both' }),
    output: ExportResult,
  },
  'lineage.import': {
    input: z.object({ file: BundlePath, job: BundleJobId.optional() }).strict(),
    output: ReviewLibraryInfo,
  },
  /** Stop a running import or export (its worker is terminated; nothing is kept). */
  'bundles.cancel': { input: z.object({ job: BundleJobId }).strict(), output: z.object({ cancelled: z.boolean() }) },
  'review.list': { input: Empty, output: z.array(ReviewLibraryInfo) },
  'review.remove': { input: z.object({ id: ReviewId }).strict(), output: z.array(ReviewLibraryInfo) },
  'review.listRuns': { input: z.object({ id: ReviewId, ...RunPage }).strict(), output: z.array(RunSummary) },
  'review.getRun': {
    input: z.object({ id: ReviewId, runId: RunId }).strict(),
    output: RunSummary.extend({ steps: z.array(RunStep) }),
  },
  'review.stepStats': {
    input: z.object({ id: ReviewId, from: z.number().int(), to: z.number().int() }).strict(),
    output: z.array(StepStatsRow),
  },
  /** Where an artifact of a review library is served (HTTP / app://): its bytes never travel over RPC. */
  'review.getArtifact': {
    input: z.object({ id: ReviewId, sha256: Sha256 }).strict(),
    output: z.object({ sha256: Sha256, mime: z.string(), bytes: Count, url: z.string() }),
  },
  /** The evaluations an evaluation bundle holds (none in a run bundle). */
  'review.listEvaluations': { input: z.object({ id: ReviewId }).strict(), output: z.array(EvaluationListItem) },
  /** An evaluation's report as it was stored when it was exported. */
  'review.evaluationReport': {
    input: z.object({ id: ReviewId, evaluationId: z.string().min(1).max(64) }).strict(),
    output: EvaluationReport,
  },
  'review.evaluationDecisions': {
    input: DecisionsQuery.extend({ id: ReviewId }),
    output: z.array(EvaluationDecision),
  },
  'retention.get': { input: Empty, output: RetentionState },
  'retention.set': { input: z.object({ policy: RetentionPolicy.nullable() }).strict(), output: RetentionState },
  'retention.run': { input: Empty, output: RetentionResult },
} as const
