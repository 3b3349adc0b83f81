import { RpcCallError } from '../../src-main/contract/client'

// A refusal from the risk gate, shown with each failed rule and its numbers (the error's details
// carry every check the gate ran).

interface Check {
  rule: string
  passed: boolean
  value: string
  limit: string
  message: string
}

export function failedChecks(e: unknown): Check[] {
  if (!(e instanceof RpcCallError) || e.code !== 'FORBIDDEN' || !Array.isArray(e.details)) return []
  return (e.details as Check[]).filter((c) => c && typeof c.rule === 'string' && c.passed === false)
}

export function GateRefusal({ checks }: { checks: Check[] }) {
  if (checks.length === 0) return null
  return (
    <table className="grid gate-refusal" data-testid="gate-refusal">
      <thead>
        <tr>
          <th>Rule</th>
          <th className="num">Value</th>
          <th className="num">Limit</th>
          <th>Why</th>
        </tr>
      </thead>
      <tbody>
        {checks.map((c) => (
          <tr key={c.rule}>
            <td>
              <code>{c.rule}</code>
            </td>
            <td className="num">{c.value}</td>
            <td className="num">{c.limit}</td>
            <td className="wrap">{c.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
