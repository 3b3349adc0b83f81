import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'

export const RESULTS_DIR = join(__dirname, 'results')

export interface Target {
  metric: string
  op: '<=' | '>='
  value: number
}

export interface BenchResult {
  name: string
  description: string
  metrics: Record<string, number>
  targets: Target[]
  pass: boolean
  machine: { cpus: number; cpuModel: string; node: string }
  at: string
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i]!
}

/** Timing statistics in milliseconds from per-iteration durations. */
export function stats(durationsMs: number[]): { p50: number; p99: number; mean: number; max: number } {
  const s = [...durationsMs].sort((a, b) => a - b)
  return {
    p50: percentile(s, 50),
    p99: percentile(s, 99),
    mean: s.reduce((a, b) => a + b, 0) / s.length,
    max: s.at(-1)!,
  }
}

export function round(n: number, digits = 3): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

/** Write `bench/results/<name>.json` and print one line per metric. */
export function writeResult(
  name: string,
  description: string,
  metrics: Record<string, number>,
  targets: Target[],
): BenchResult {
  const pass = targets.every((t) => (t.op === '<=' ? metrics[t.metric]! <= t.value : metrics[t.metric]! >= t.value))
  const result: BenchResult = {
    name,
    description,
    metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, round(v)])),
    targets,
    pass,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
    at: new Date().toISOString(),
  }
  mkdirSync(RESULTS_DIR, { recursive: true })
  writeFileSync(join(RESULTS_DIR, `${name}.json`), JSON.stringify(result, null, 2) + '\n')
  return result
}
