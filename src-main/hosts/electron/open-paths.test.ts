import { describe, expect, it } from 'vitest'
import { bundlePathOf, bundlePaths, handOffPaths, launchArgs } from './open-paths'

describe('bundle paths from argv, file:// URLs and the single-instance hand-off', () => {
  it('keeps absolute .wsbundle paths only', () => {
    expect(bundlePathOf('/home/a/runs.wsbundle')).toBe('/home/a/runs.wsbundle')
    expect(bundlePathOf('C:\\Users\\a\\runs.wsbundle')).toBe('C:\\Users\\a\\runs.wsbundle')
    expect(bundlePathOf('\\\\server\\share\\runs.wsbundle')).toBe('\\\\server\\share\\runs.wsbundle')
    for (const bad of [
      'runs.wsbundle', // relative, no cwd
      '/home/a/runs.zip',
      '/home/a/../b/runs.wsbundle',
      'C:\\a\\..\\runs.wsbundle',
      '/home/a/runs.wsbundle\0',
      '--user-data-dir=/tmp/x.wsbundle',
      '-psn_0_12345',
      '.',
      '',
      'https://example.com/runs.wsbundle',
      'app://main/runs.wsbundle',
    ])
      expect(bundlePathOf(bad), bad).toBeNull()
  })

  it('accepts file:// URLs (a Linux file manager with %U), decoding escapes', () => {
    expect(bundlePathOf('file:///home/a/My%20Runs.wsbundle', { windows: false })).toBe('/home/a/My Runs.wsbundle')
    expect(bundlePathOf('file:///C:/Users/a/runs.wsbundle', { windows: true })).toBe('C:\\Users\\a\\runs.wsbundle')
    expect(bundlePathOf('file:///home/a/%2E%2E/runs.wsbundle', { windows: false })).toBeNull()
    expect(bundlePathOf('file://remote-host/share/runs.wsbundle', { windows: false })).toBeNull()
    expect(bundlePathOf('file:///home/a/runs.txt', { windows: false })).toBeNull()
  })

  it('resolves relative arguments only against a given cwd, still refusing ..', () => {
    expect(bundlePathOf('runs.wsbundle', { cwd: '/home/a' })).toBe('/home/a/runs.wsbundle')
    expect(bundlePathOf('../runs.wsbundle', { cwd: '/home/a' })).toBeNull()
  })

  it('drops flags and the app path and removes duplicates', () => {
    const argv = ['/opt/app/ibkr', '--no-sandbox', '/tmp/a.wsbundle', 'file:///tmp/a.wsbundle', '/tmp/b.wsbundle']
    expect(bundlePaths(launchArgs(argv, true), { windows: false })).toEqual(['/tmp/a.wsbundle', '/tmp/b.wsbundle'])
    expect(launchArgs(['electron', '.', '/tmp/a.wsbundle'], false)).toEqual(['/tmp/a.wsbundle'])
    expect(bundlePaths([42, null, '/tmp/c.wsbundle'])).toEqual(['/tmp/c.wsbundle'])
  })

  it('prefers the hand-off data, falling back to argv against the second instance cwd', () => {
    expect(handOffPaths({ openPaths: ['/tmp/a.wsbundle', '/tmp/../x.wsbundle'] }, [], '/')).toEqual(['/tmp/a.wsbundle'])
    expect(handOffPaths(null, ['/opt/ibkr', '--flag', 'rel.wsbundle'], '/home/a')).toEqual(['/home/a/rel.wsbundle'])
    expect(handOffPaths({ other: 1 }, ['x'], '/home/a')).toEqual([])
  })
})
