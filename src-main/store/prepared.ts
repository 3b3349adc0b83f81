import { sql, type SQL } from 'drizzle-orm'
import type { Db } from './db'

// Statements on the hot write paths (a step row, an artifact row, a run's start and end), built and prepared
// once per connection instead of once per call: building a query through drizzle costs more than running it
// (an evaluation writes about twenty rows per decision date). Values go in as plain placeholders, so JSON
// columns take `jsonValue` (NULL stays NULL; a bound placeholder's column encoder would write 'null').

const byConnection = new WeakMap<Db, Map<string, unknown>>()

export function prepared<T>(db: Db, key: string, build: () => T): T {
  let statements = byConnection.get(db)
  if (!statements) byConnection.set(db, (statements = new Map()))
  let statement = statements.get(key) as T | undefined
  if (statement === undefined) statements.set(key, (statement = build()))
  return statement
}

/** A placeholder bound as given (no column encoder). */
export const slot = (name: string): SQL => sql`${sql.placeholder(name)}`

/** A JSON column's stored text: what drizzle writes for the value, and NULL for null or undefined. */
export const jsonValue = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v))
