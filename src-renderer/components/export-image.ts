import { getFontEmbedCSS, toBlob } from 'html-to-image'

// "Save as PNG" / "Copy image" of a whole panel — canvases plus the HTML around them (legends, badges)
// — through html-to-image (DESKTOP.md §4). Fonts are embedded once: html-to-image would otherwise
// fetch and inline every @font-face on each capture (bubkoo/html-to-image#208). The model's chart
// images never come from here; they use the chart's own takeScreenshot.

export interface ImageLib {
  getFontEmbedCSS(node: HTMLElement): Promise<string>
  toBlob(node: HTMLElement, options: Parameters<typeof toBlob>[1]): Promise<Blob | null>
}

export function createPanelExporter(
  lib: ImageLib = { getFontEmbedCSS, toBlob },
  fontsReady: () => Promise<unknown> = () => document.fonts.ready,
) {
  let fontCss: Promise<string> | null = null
  let fontEmbeds = 0
  /** The @font-face CSS, computed on the first capture and reused for every later one. */
  function fonts(node: HTMLElement): Promise<string> {
    fontCss ??= Promise.resolve(fontsReady())
      .then(() => {
        fontEmbeds++
        return lib.getFontEmbedCSS(node)
      })
      .catch((e: unknown) => {
        fontCss = null
        throw e
      })
    return fontCss
  }
  async function png(node: HTMLElement): Promise<Blob> {
    const fontEmbedCSS = await fonts(node)
    const background = getComputedStyle(document.body).backgroundColor
    const blob = await lib.toBlob(node, {
      fontEmbedCSS,
      backgroundColor: background,
      pixelRatio: 2,
      // The export buttons themselves stay out of the picture.
      filter: (n) => !(n instanceof HTMLElement && n.classList.contains('export-image')),
    })
    if (!blob || blob.size === 0) throw new Error('The panel drew as an empty image; resize the window and try again')
    return blob
  }
  return { png, fontEmbeds: () => fontEmbeds }
}

export const panelExporter = createPanelExporter()

export async function savePanelPng(node: HTMLElement, fileName: string): Promise<Blob> {
  const blob = await panelExporter.png(node)
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
  return blob
}

export async function copyPanelPng(node: HTMLElement): Promise<Blob> {
  const blob = await panelExporter.png(node)
  await navigator.clipboard.write([new ClipboardItem({ 'image/png': blob })])
  return blob
}
