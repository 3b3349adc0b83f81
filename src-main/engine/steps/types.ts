import type { ArtifactKind } from '../../store/artifacts'

// What every run step shares. A step is a plain async function from its inputs and the services it
// needs to its output; it never sees the run recorder. Whatever it stores besides its output goes
// through `StepIo`, which the caller provides: the executor and replay record each artifact in the
// step's lineage row, the evaluation lab may keep them elsewhere.

export type ArtifactContent = Buffer | (() => Buffer)

export const contentBytes = (c: ArtifactContent): Buffer => (typeof c === 'function' ? c() : c)

/** Where a step puts what it produces besides its output. */
export interface StepIo {
  /**
   * Store bytes as a content-addressed artifact of this step; returns its sha256. Large content may be given
   * as a function: an io that stores nothing (the lab's look-ahead rebuilds) never builds it.
   */
  artifact(content: ArtifactContent, kind: ArtifactKind, mime: string): string
  /** What the step has produced so far, kept as the failed step's partial output if it then fails. */
  partial(output: unknown): void
}

/** A step that fails with what it had produced so far (recorded as the failed step's partial output). */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly partialOutput?: unknown,
  ) {
    super(message)
    this.name = 'StepFailure'
  }
}

export const DAY = 86_400_000

/** Tick size assumed for runs recorded before the contract's increment was read (US stocks). */
export const TICK_SIZE = 0.01

/** The run's price increment: the contract's rules (fetch_market_data), else the old assumption. */
export function incrementOf(data: { instrument: { increment?: number } }): number {
  return data.instrument.increment ?? TICK_SIZE
}

export type PositionSide = 'long' | 'short' | 'flat'

export function positionSide(qty: number): PositionSide {
  return qty > 0 ? 'long' : qty < 0 ? 'short' : 'flat'
}
