import { describe, expect, it } from 'vitest'
import { createPanelExporter } from './export-image'

// The font CSS is computed once and reused for every capture (html-to-image would otherwise embed
// every @font-face per capture). The capture itself is checked in Chromium (tests/e2e/export-image.spec.ts).
describe('panel exporter', () => {
  it('embeds fonts once across captures and refuses an empty image', async () => {
    ;(globalThis as { getComputedStyle?: unknown }).getComputedStyle = () => ({ backgroundColor: 'rgb(0, 0, 0)' })
    ;(globalThis as { document?: unknown }).document = { body: {} }
    const fontCalls: unknown[] = []
    const blobCalls: { fontEmbedCSS?: string }[] = []
    let size = 10
    const exporter = createPanelExporter(
      {
        getFontEmbedCSS: async (node) => {
          fontCalls.push(node)
          return '@font-face{}'
        },
        toBlob: async (_node, options) => {
          blobCalls.push(options ?? {})
          return new Blob([new Uint8Array(size)])
        },
      },
      () => Promise.resolve(),
    )
    const node = {} as HTMLElement
    for (let i = 0; i < 3; i++) expect((await exporter.png(node)).size).toBe(10)
    expect(fontCalls).toHaveLength(1)
    expect(exporter.fontEmbeds()).toBe(1)
    expect(blobCalls.map((o) => o.fontEmbedCSS)).toEqual(['@font-face{}', '@font-face{}', '@font-face{}'])
    size = 0
    await expect(exporter.png(node)).rejects.toThrow('empty image')
  })
})
