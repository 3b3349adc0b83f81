// Summarise a .heapsnapshot (from the memory bench's IBKR_WS_MEMORY_SNAPSHOTS, or v8.writeHeapSnapshot):
// self size and count by node type and constructor name, largest first; with a second snapshot, the
// difference (what grew between the two readings). With --retainers <type:name> and two snapshots, the
// retaining paths (seven steps up) of the nodes of that kind that are new in the second, most common first:
// how the memory bench found the simulator's request journal.
// Usage: tsx bench/heap-summary.ts <snapshot> [<later snapshot>] [--top N] [--retainers object:Object]
import { readFileSync } from 'node:fs'

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } }
  nodes: number[]
  edges: number[]
  strings: string[]
}

type Totals = Map<string, { size: number; count: number }>

function load(path: string) {
  const s = JSON.parse(readFileSync(path, 'utf8')) as Snapshot
  const fields = s.snapshot.meta.node_fields
  const types = s.snapshot.meta.node_types[0]
  const at = (f: string) => fields.indexOf(f)
  const [fType, fName, fId, fSize, fEdges] = ['type', 'name', 'id', 'self_size', 'edge_count'].map(at) as number[]
  const count = s.nodes.length / fields.length
  const base = (i: number) => i * fields.length
  const kind = (i: number) => {
    const type = types[s.nodes[base(i) + fType!]!]!
    const name = type.includes('string') ? '' : String(s.strings[s.nodes[base(i) + fName!]!])
    return `${type}:${name.slice(0, 80)}`
  }
  return {
    s,
    count,
    kind,
    id: (i: number) => s.nodes[base(i) + fId!]!,
    size: (i: number) => s.nodes[base(i) + fSize!]!,
    edges: (i: number) => s.nodes[base(i) + fEdges!]!,
  }
}

export function summarise(path: string): Totals {
  const h = load(path)
  const totals: Totals = new Map()
  for (let i = 0; i < h.count; i++) {
    const t = totals.get(h.kind(i)) ?? { size: 0, count: 0 }
    t.size += h.size(i)
    t.count++
    totals.set(h.kind(i), t)
  }
  return totals
}

/** Retaining paths of the nodes of `kind` present in `later` but not in `earlier`, counted. */
export function retainers(earlier: string, later: string, kind: string): Map<string, number> {
  const before = load(earlier)
  const old = new Set<number>()
  for (let i = 0; i < before.count; i++) old.add(before.id(i))
  const h = load(later)
  const { s } = h
  const ef = s.snapshot.meta.edge_fields.length
  const edgeTypes = s.snapshot.meta.edge_types[0]
  const nf = s.snapshot.meta.node_fields.length
  const parents: [number, string][][] = Array.from({ length: h.count }, () => [])
  for (let i = 0, e = 0; i < h.count; i++) {
    for (const end = e + h.edges(i) * ef; e < end; e += ef) {
      const type = edgeTypes[s.edges[e]!]!
      if (type === 'weak') continue
      const label = type === 'element' || type === 'hidden' ? '[n]' : String(s.strings[s.edges[e + 1]!])
      parents[s.edges[e + 2]! / nf]!.push([i, label])
    }
  }
  const paths = new Map<string, number>()
  for (let i = 0; i < h.count; i++) {
    if (old.has(h.id(i)) || h.kind(i) !== kind) continue
    let path = kind
    let node = i
    for (let step = 0; step < 7; step++) {
      const up = parents[node]!.find(([p]) => !h.kind(p).startsWith('synthetic')) ?? parents[node]![0]
      if (!up) break
      path = `${h.kind(up[0])} -${up[1]}-> ${path}`
      node = up[0]
    }
    paths.set(path, (paths.get(path) ?? 0) + 1)
  }
  return paths
}

function main() {
  const args = process.argv.slice(2)
  const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined)
  const top = Number(option('--top') ?? 40)
  const kind = option('--retainers')
  const files = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'))
  if (kind) {
    if (files.length !== 2) throw new Error('--retainers needs two snapshots of one process')
    const rows = [...retainers(files[0]!, files[1]!, kind)].sort((x, y) => y[1] - x[1])
    for (const [path, n] of rows.slice(0, top)) console.log(`${String(n).padStart(8)}  ${path}`)
    return
  }
  const a = summarise(files[0]!)
  const b = files[1] ? summarise(files[1]) : null
  const rows = [...(b ?? a)].map(([k, v]) => {
    const before = b ? (a.get(k) ?? { size: 0, count: 0 }) : { size: 0, count: 0 }
    return { k, size: v.size - before.size, count: v.count - before.count }
  })
  rows.sort((x, y) => y.size - x.size)
  for (const r of rows.slice(0, top))
    console.log(`${(r.size / 1024).toFixed(0).padStart(10)} KB ${String(r.count).padStart(8)}  ${r.k}`)
}

if (process.argv[1]?.endsWith('heap-summary.ts')) main()
