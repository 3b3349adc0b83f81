import { describe, expect, it } from 'vitest'
import { importsOf, read, sourceFiles } from './source-files'

// @monaco-editor/react runs on the locally bundled monaco (DESKTOP.md §5): its loader is configured
// with our monaco before any editor mounts, so it never fetches the CDN copy (CSP would block it).
describe('Monaco through @monaco-editor/react, bundled locally', () => {
  it('configures the loader with the local bundle and its worker', () => {
    const src = read('src-renderer/prompts/monaco.ts')
    expect(src).toContain('loader.config({ monaco })')
    expect(src).toMatch(/import EditorWorker from 'monaco-editor\/editor\/editor\.worker\?worker'/)
    expect(src).toContain('self.MonacoEnvironment = { getWorker: () => new EditorWorker() }')
  })

  it('imports @monaco-editor/react only in modules that load the configured monaco first', () => {
    const users = sourceFiles('src-renderer').filter((f) => importsOf(f).includes('@monaco-editor/react'))
    expect(users.sort()).toEqual([
      'src-renderer/components/JsonMonaco.tsx',
      'src-renderer/prompts/editors.tsx',
      'src-renderer/prompts/monaco.ts',
    ])
    expect(importsOf('src-renderer/prompts/editors.tsx')).toContain('./monaco')
    expect(importsOf('src-renderer/components/JsonMonaco.tsx')).toContain('./json-monaco')
    expect(importsOf('src-renderer/components/json-monaco.ts')).toContain('../prompts/monaco')
    // Both are lazy chunks: nothing imports them statically.
    for (const f of sourceFiles('src-renderer')) {
      const src = read(f)
      expect(src, f).not.toMatch(
        /^import (?!type )[^'(]*from '(\.\.\/components\/JsonMonaco|\.\/editors|\.\.\/prompts\/editors)'/m,
      )
    }
  })
})
