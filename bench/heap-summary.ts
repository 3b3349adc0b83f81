// Summarise a .heapsnapshot (from the memory bench's IBKR_WS_MEMORY_SNAPSHOTS, or v8.writeHeapSnapshot):
// self size and count by node type and constructor name, largest first; with a second snapshot, the
// difference (what grew between the two readings).
// Usage: tsx bench/heap-summary.ts <snapshot> [<later snapshot>] [--top N]
import { readFileSync } from 'node:fs'

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }
  nodes: number[]
  strings: string[]
}

type Totals = Map<string, { size: number; count: number }>

export function summarise(path: string): Totals {
  const s = JSON.parse(readFileSync(path, 'utf8')) as Snapshot
  const fields = s.snapshot.meta.node_fields
  const types = s.snapshot.meta.node_types[0]
  const [fType, fName, fSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f))
  const totals: Totals = new Map()
  for (let i = 0; i < s.nodes.length; i += fields.length) {
    const type = types[s.nodes[i + fType!]!]!
    const name =
      type === 'string' || type === 'concatenated string' || type === 'sliced string'
        ? ''
        : s.strings[s.nodes[i + fName!]!]!
    const key = `${type}:${name.slice(0, 80)}`
    const t = totals.get(key) ?? { size: 0, count: 0 }
    t.size += s.nodes[i + fSize!]!
    t.count++
    totals.set(key, t)
  }
  return totals
}

function main() {
  const args = process.argv.slice(2)
  const topAt = args.indexOf('--top')
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 40
  const files = args.filter((a, i) => !a.startsWith('--') && i !== topAt + 1)
  const a = summarise(files[0]!)
  const b = files[1] ? summarise(files[1]) : null
  const rows = [...(b ?? a)].map(([k, v]) => {
    const before = b ? (a.get(k) ?? { size: 0, count: 0 }) : { size: 0, count: 0 }
    return { k, size: v.size - before.size, count: v.count - before.count, total: v.size }
  })
  rows.sort((x, y) => y.size - x.size)
  for (const r of rows.slice(0, top))
    console.log(`${(r.size / 1024).toFixed(0).padStart(10)} KB ${String(r.count).padStart(8)}  ${r.k}`)
}

if (process.argv[1]?.endsWith('heap-summary.ts')) main()
