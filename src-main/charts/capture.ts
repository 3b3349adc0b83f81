import type { ChartImageSpec } from '../contract/charts'

/** Renders chart images with the app's own chart component (Electron offscreen window or Chromium). */
export interface ChartCapture {
  /** PNG bytes of the chart drawn from exactly these bars and arrays. */
  capture(spec: ChartImageSpec): Promise<Buffer>
  close(): Promise<void>
}

export function pngFromDataUrl(dataUrl: string): Buffer {
  const prefix = 'data:image/png;base64,'
  if (!dataUrl.startsWith(prefix)) throw new Error('The capture page returned no PNG')
  return Buffer.from(dataUrl.slice(prefix.length), 'base64')
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.length < 24 || png.readUInt32BE(0) !== 0x89504e47) throw new Error('Not a PNG')
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) }
}
