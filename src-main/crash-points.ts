// Named crash points for RELIABILITY.md T6: with IBKR_WS_CRASHPOINT=<name> in its environment the
// engine kills itself (SIGKILL, no clean-up of any kind) when it reaches that point, so the crash
// tests can prove that a restart and reconciliation never duplicate or lose an order.

export type CrashPoint = 'before-intent' | 'after-intent' | 'after-post' | 'during-reply' | 'during-reconcile'

const armed = process.env.IBKR_WS_CRASHPOINT ?? null

export function crashPoint(name: CrashPoint): void {
  if (armed === name) process.kill(process.pid, 'SIGKILL')
}
