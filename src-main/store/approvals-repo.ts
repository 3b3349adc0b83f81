import { and, desc, eq, lt } from 'drizzle-orm'
import type { Db } from './db'
import { approvals } from './schema'

export type ApprovalRow = typeof approvals.$inferSelect

export function insertApproval(db: Db, row: Omit<ApprovalRow, 'decidedAt' | 'decidedBy' | 'reason' | 'status'>): void {
  db.insert(approvals)
    .values({ ...row, status: 'pending', decidedAt: null, decidedBy: null, reason: null })
    .run()
}

export function getApproval(db: Db, id: string): ApprovalRow | null {
  return db.select().from(approvals).where(eq(approvals.id, id)).get() ?? null
}

/** Decide a pending approval; false when it was no longer pending (decided or expired meanwhile). */
export function decideApproval(
  db: Db,
  id: string,
  status: 'approved' | 'rejected' | 'expired',
  by: string,
  reason: string | null,
  at: number,
): boolean {
  return (
    db
      .update(approvals)
      .set({ status, decidedAt: at, decidedBy: by, reason })
      .where(and(eq(approvals.id, id), eq(approvals.status, 'pending')))
      .run().changes === 1
  )
}

export function listApprovals(db: Db, status: ApprovalRow['status'] | null, limit: number): ApprovalRow[] {
  return db
    .select()
    .from(approvals)
    .where(status ? eq(approvals.status, status) : undefined)
    .orderBy(desc(approvals.createdAt))
    .limit(limit)
    .all()
}

export function expiredApprovals(db: Db, now: number): ApprovalRow[] {
  return db
    .select()
    .from(approvals)
    .where(and(eq(approvals.status, 'pending'), lt(approvals.expiresAt, now)))
    .all()
}
