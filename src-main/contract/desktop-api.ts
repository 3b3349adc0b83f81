import { z } from 'zod'

// The engine's start mode (review-first launch from a bundle) and the desktop's native file picker.
// Imports only zod, like every contract file.

const Empty = z.object({}).strict()

/**
 * `review`: the app was first launched from a `.wsbundle` — only the store and the review library run
 * (no gateway session, scheduler or order path) until the user starts the trading engine.
 */
export const EngineMode = z.enum(['trading', 'review'])
export type EngineMode = z.infer<typeof EngineMode>

export const EngineModeView = z.object({ mode: EngineMode })
export type EngineModeView = z.infer<typeof EngineModeView>

export const desktopMethods = {
  'system.mode': { input: Empty, output: EngineModeView },
  /** Start the trading engine after a review-mode launch; a no-op when it already runs. */
  'system.startTrading': { input: Empty, output: EngineModeView },
  /** Ask the host for a bundle file with its native open dialog (Electron); null when cancelled. */
  'lineage.pickBundle': { input: Empty, output: z.object({ file: z.string().nullable() }) },
} as const
