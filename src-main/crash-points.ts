// Named crash points for RELIABILITY.md T6: with IBKR_WS_CRASHPOINT=<name> in its environment the
// engine kills itself (SIGKILL, no clean-up of any kind) when it reaches that point, so the crash
// tests can prove that a restart and reconciliation never duplicate or lose an order. Points that
// sit inside a C call (a checkpoint, a response in flight) are reached by killing from outside
// instead; see tests/integration/crash-recovery.test.ts.

export const CRASH_POINTS = [
  'before-intent',
  'after-intent',
  'after-response',
  'during-reply',
  'during-fill-apply',
  'during-reconcile',
  'mid-migration',
  'mid-backup',
  'during-kill-switch-latch',
  'during-schedule-catch-up',
] as const
export type CrashPoint = (typeof CRASH_POINTS)[number]

const armed = process.env.IBKR_WS_CRASHPOINT ?? null

export function crashPoint(name: CrashPoint): void {
  if (armed === name) process.kill(process.pid, 'SIGKILL')
}
