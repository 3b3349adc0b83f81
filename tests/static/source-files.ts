import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'

export const ROOT = resolve(__dirname, '..', '..')

/** Every source file under `dir` (relative to the repo root) with one of `exts`. */
export function sourceFiles(dir: string, exts = ['.ts', '.tsx']): string[] {
  const out: string[] = []
  const walk = (abs: string) => {
    for (const name of readdirSync(abs)) {
      const p = join(abs, name)
      if (statSync(p).isDirectory()) walk(p)
      else if (exts.some((e) => name.endsWith(e))) out.push(relative(ROOT, p))
    }
  }
  if (existsSync(join(ROOT, dir))) walk(join(ROOT, dir))
  return out.sort()
}

export function read(rel: string): string {
  return readFileSync(join(ROOT, rel), 'utf8')
}

/** Module specifiers a file imports (static, dynamic and re-exports). */
export function importsOf(rel: string): string[] {
  const src = read(rel)
  const specs: string[] = []
  const re = new RegExp(
    [
      String.raw`(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]`,
      String.raw`import\s*\(\s*['"]([^'"]+)['"]\s*\)`,
      String.raw`import\s+['"]([^'"]+)['"]`,
      String.raw`require\(\s*['"]([^'"]+)['"]\s*\)`,
    ].join('|'),
    'g',
  )
  for (const m of src.matchAll(re)) specs.push((m[1] ?? m[2] ?? m[3] ?? m[4])!)
  return specs
}
