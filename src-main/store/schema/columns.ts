import { sql, type SQL } from 'drizzle-orm'
import { type AnySQLiteColumn, check, text } from 'drizzle-orm/sqlite-core'

// Conventions (RELIABILITY.md §4): times are UTC epoch ms INTEGER; quantities are integers; money is
// decimal TEXT; JSON is TEXT checked with json_valid; status columns are CHECKed against the shared enums.
// No ON DELETE CASCADE anywhere: foreign keys default to NO ACTION, so parents with children cannot go.

export const json = (name: string) => text(name, { mode: 'json' })
export const jsonValid = (table: string, col: AnySQLiteColumn) =>
  check(`${table}_${col.name}_json`, sql`json_valid(${col})`)
export const oneOf = (table: string, col: AnySQLiteColumn, values: readonly string[]): ReturnType<typeof check> =>
  check(
    `${table}_${col.name}_enum`,
    sql`${col} IN (${sql.join(
      values.map((v) => sql.raw(`'${v}'`)),
      sql`, `,
    )})`,
  )
export const nullOr = (col: AnySQLiteColumn, cond: SQL) => sql`(${col} IS NULL OR ${cond})`
