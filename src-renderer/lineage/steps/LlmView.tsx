import type { LlmAnalysisOutput } from '../../../src-main/contract/steps'
import { Markdown } from '../../components/Markdown'
import { fmtCost, fmtDuration, fmtInt } from '../format'
import { AnalystBadge, type RunContext } from './common'

// llm_analysis: the analyst, its usage, the reasoning and the answer as received, every attempt.

export function LlmView({ o, ctx }: { o: Partial<LlmAnalysisOutput>; ctx: RunContext }) {
  const parsed = (() => {
    try {
      return JSON.parse(o.rawText ?? '') as { reasoning?: string }
    } catch {
      return null
    }
  })()
  const u = o.usage
  return (
    <div>
      <div className="row">
        {o.label && o.provider && <AnalystBadge label={o.label} provider={o.provider} />}
        <span className="muted">model {o.model}</span>
        {u && (
          <span className="muted num">
            {`${fmtInt(u.promptTokens)} in / ${fmtInt(u.completionTokens)} out tokens · ` +
              `${fmtCost(u.costMicros, u.priced)} · ${fmtDuration(u.latencyMs)}`}
          </span>
        )}
        {o.outcome === 'review' && <span className="badge tone-warn">REVIEW: {o.reviewReason}</span>}
        {o.promptSha256 && (
          <a href={ctx.source.artifactUrl(o.promptSha256)} target="_blank" rel="noreferrer">
            Rendered prompt
          </a>
        )}
      </div>
      {o.detail && <div className="notice tone-warn">{o.detail}</div>}
      {parsed?.reasoning && (
        <div className="answer-block">
          <h4>Reasoning</h4>
          <Markdown text={parsed.reasoning} />
        </div>
      )}
      <div className="answer-block">
        <h4>Answer, as received</h4>
        <Markdown text={parsed ? '```\n' + o.rawText + '\n```' : (o.rawText ?? '')} testId="llm-text" />
      </div>
      {o.attempts && o.attempts.length > 0 && (
        <table className="grid">
          <thead>
            <tr>
              <th>Attempt</th>
              <th>Mode</th>
              <th className="num">Images</th>
              <th className="num">HTTP</th>
              <th>Finish</th>
              <th className="num">Tokens in/out</th>
              <th className="num">Latency</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody>
            {o.attempts.map((a, i) => (
              <tr key={i}>
                <td>{a.purpose}</td>
                <td>{a.mode}</td>
                <td className="num">{a.images}</td>
                <td className="num">{a.httpStatus ?? '—'}</td>
                <td>{a.finishReason ?? '—'}</td>
                <td className="num">
                  {a.promptTokens ?? '—'}/{a.completionTokens ?? '—'}
                </td>
                <td className="num">{fmtDuration(a.latencyMs)}</td>
                <td className="tone-bad">{a.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
