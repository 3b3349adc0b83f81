import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
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
  /** Findings that are words, not numbers (e.g. the phase in which a peak happened); no targets. */
  notes?: Record<string, string>
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
  notes?: Record<string, string>,
): BenchResult {
  const pass = targets.every((t) => (t.op === '<=' ? metrics[t.metric]! <= t.value : metrics[t.metric]! >= t.value))
  const result: BenchResult = {
    name,
    description,
    metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, round(v)])),
    targets,
    pass,
    ...(notes ? { notes } : {}),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
    at: new Date().toISOString(),
  }
  mkdirSync(RESULTS_DIR, { recursive: true })
  writeFileSync(join(RESULTS_DIR, `${name}.json`), JSON.stringify(result, null, 2) + '\n')
  return result
}

/** The node flags `npm run web` gives the host (e.g. the young generation's size), so a bench measures those. */
export function webNodeFlags(webScript: string): string[] {
  const m = /\bnode((?:\s+--\S+)*)\s+out\/main\/web\.js/.exec(webScript)
  if (!m) throw new Error(`package.json's web script does not start out/main/web.js: ${webScript}`)
  return m[1]!.trim().split(/\s+/).filter(Boolean)
}

/** `webNodeFlags` of this repository's package.json. */
export function webScriptNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { scripts: { web: string } }
  return webNodeFlags(pkg.scripts.web)
}

/** A process's resident set now (VmRSS) and its peak so far (VmHWM), from /proc/<pid>/status, in MB. */
export function residentMb(pid: number): { rss: number; peak: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (k: string) => {
    const m = new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)
    if (!m) throw new Error(`/proc/${pid}/status has no ${k}`)
    return Number(m[1]) / 1024
  }
  return { rss: kb('VmRSS'), peak: kb('VmHWM') }
}
