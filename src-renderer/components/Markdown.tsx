import type { ReactNode } from 'react'

// Model text as safe markdown (F17): parsed into React elements, never HTML, so nothing a model
// writes can run or load anything. A deliberately small subset: headings, paragraphs, bullet and
// numbered lists, fenced code, inline code, bold and italics. Links show as text with their URL.

type Block =
  | { kind: 'h'; level: number; text: string }
  | { kind: 'p'; text: string }
  | { kind: 'ul' | 'ol'; items: string[] }
  | { kind: 'code'; text: string }

export function parseBlocks(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n')
  const out: Block[] = []
  let para: string[] = []
  const flush = () => {
    if (para.length) out.push({ kind: 'p', text: para.join(' ') })
    para = []
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (/^\s*```/.test(line)) {
      flush()
      const code: string[] = []
      for (i++; i < lines.length && !/^\s*```/.test(lines[i]!); i++) code.push(lines[i]!)
      out.push({ kind: 'code', text: code.join('\n') })
      continue
    }
    const h = /^(#{1,4})\s+(.*)$/.exec(line)
    const ul = /^\s*[-*+]\s+(.*)$/.exec(line)
    const ol = /^\s*\d+[.)]\s+(.*)$/.exec(line)
    if (h) {
      flush()
      out.push({ kind: 'h', level: h[1]!.length, text: h[2]! })
    } else if (ul || ol) {
      flush()
      const kind = ul ? 'ul' : 'ol'
      const last = out.at(-1)
      if (last && last.kind === kind) last.items.push((ul ?? ol)![1]!)
      else out.push({ kind, items: [(ul ?? ol)![1]!] })
    } else if (line.trim() === '') flush()
    else para.push(line.trim())
  }
  flush()
  return out
}

export function inline(text: string): ReactNode[] {
  const parts: ReactNode[] = []
  const re = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*\s][^*]*\*)|(_[^_\s][^_]*_)|(\[[^\]]+\]\([^)\s]+\))/g
  let last = 0
  let k = 0
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) parts.push(text.slice(last, m.index))
    const t = m[0]
    if (m[1]) parts.push(<code key={k++}>{t.slice(1, -1)}</code>)
    else if (m[2]) parts.push(<strong key={k++}>{t.slice(2, -2)}</strong>)
    else if (m[3] || m[4]) parts.push(<em key={k++}>{t.slice(1, -1)}</em>)
    else {
      const link = /^\[([^\]]+)\]\(([^)]+)\)$/.exec(t)!
      parts.push(
        <span key={k++} title={link[2]}>
          {link[1]} <span className="muted">({link[2]})</span>
        </span>,
      )
    }
    last = m.index + t.length
  }
  if (last < text.length) parts.push(text.slice(last))
  return parts
}

export function Markdown({ text, testId }: { text: string; testId?: string }) {
  return (
    <div className="markdown" data-testid={testId}>
      {parseBlocks(text).map((b, i) => {
        if (b.kind === 'code') return <pre key={i}>{b.text}</pre>
        if (b.kind === 'h') return <h4 key={i}>{inline(b.text)}</h4>
        if (b.kind === 'p') return <p key={i}>{inline(b.text)}</p>
        const items = b.items.map((it, j) => <li key={j}>{inline(it)}</li>)
        return b.kind === 'ul' ? <ul key={i}>{items}</ul> : <ol key={i}>{items}</ol>
      })}
    </div>
  )
}
