/** Go to an app route, e.g. `#/lineage/<runId>`. */
export function navigate(hash: string): void {
  window.location.hash = hash
}

/** The wall clock, for views that compare times with now (kept out of render code). */
export const wallClock = (): number => Date.now()
