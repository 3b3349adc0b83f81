import { isAbsolute, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BundlePath } from '../../contract/bundles-api'

// Which `.wsbundle` files a launch asks to open (DESKTOP.md §3): Windows and Linux pass paths in argv
// (a Linux file manager may pass a file:// URL for %U), macOS sends `open-file`, and a second instance
// hands its paths over through requestSingleInstanceLock(additionalData). Pure, unit-tested under Node.

export interface OpenPathOptions {
  /** Resolve relative arguments against this folder (a second instance's cwd); else they are dropped. */
  cwd?: string
  /** Parse file:// URLs as Windows paths (drive letters, backslashes). */
  windows?: boolean
}

/** One argument as an absolute `.wsbundle` path with no `..`, or null. */
export function bundlePathOf(arg: string, opts: OpenPathOptions = {}): string | null {
  if (typeof arg !== 'string' || arg === '' || arg.startsWith('-')) return null
  let path = arg
  if (/^file:/i.test(arg)) {
    try {
      // The URL parser would fold a `..` (or `%2E%2E`) away; refuse it before it can.
      if (decodeURIComponent(arg).split(/[\\/]/).includes('..')) return null
      path = fileURLToPath(arg, { windows: opts.windows ?? process.platform === 'win32' })
    } catch {
      return null
    }
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) {
    return null
  }
  if (path.split(/[\\/]/).includes('..') || path.includes('\0')) return null
  const absolute = isAbsolute(path) || /^[A-Za-z]:[\\/]/.test(path) || /^\\\\[^\\/]/.test(path)
  if (!absolute) {
    if (!opts.cwd) return null
    path = resolve(opts.cwd, path)
  }
  return BundlePath.safeParse(path).success ? path : null
}

/** Every bundle path in `args`, in order, without duplicates. */
export function bundlePaths(args: readonly unknown[], opts: OpenPathOptions = {}): string[] {
  const out: string[] = []
  for (const a of args) {
    const p = typeof a === 'string' ? bundlePathOf(a, opts) : null
    if (p && !out.includes(p)) out.push(p)
  }
  return out
}

/** This launch's own arguments: `electron . <args>` in development, `App <args>` when packaged. */
export function launchArgs(argv: readonly string[], isPackaged: boolean): string[] {
  return argv.slice(isPackaged ? 1 : 2)
}

/** The hand-off a second instance passes to the first through requestSingleInstanceLock. */
export interface HandOff {
  openPaths: string[]
}

/** Paths from a second instance: its additionalData when usable, else its argv resolved against its cwd. */
export function handOffPaths(additionalData: unknown, argv: readonly string[], cwd: string): string[] {
  const data = additionalData as Partial<HandOff> | null | undefined
  if (data && Array.isArray(data.openPaths)) return bundlePaths(data.openPaths)
  return bundlePaths(argv, { cwd })
}
