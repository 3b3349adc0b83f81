import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { expectedAgreement } from '../../src-main/domain/evaluation/ab'
import { decisionDates } from '../../src-main/domain/evaluation/calendar'
import { lastClosedSession } from '../../src-main/domain/runs/market-data'
import { evaluationDecisions } from '../../src-main/store/schema'
import { askedAbout, buySignalReply, holdDraft } from '../fixtures/buy-signal'
import { completion } from '../fixtures/fake-openai'
import { useAppWithFakeModel } from '../fixtures/model-app'

// The repeat-call noise floor (EVALUATION.md §5) with the real openai SDK against the fake server:
// on by default for a language-model arm, in the estimate, three calls on a seeded 10 % sample, the
// flip rate and within-date spread of R, 0 for the rules analyst, ± floor beside the A/B difference,
// and a re-run replays the repeats from the cache without a request.

const t = useAppWithFakeModel({ model: 'llava-test' })

describe('the repeat-call noise floor', () => {
  it('asks thrice on a sampled date, measures flip and spread, and sits beside the A/B difference', async () => {
    // Every first answer for a date is HOLD; the second is a BUY, the third HOLD again.
    const asked: string[] = []
    const answer = (body: Record<string, unknown>) => {
      const a = askedAbout(body)
      const n = asked.filter((x) => x === a.asOf).length
      asked.push(a.asOf)
      return n === 1 ? buySignalReply(body) : { body: completion(JSON.stringify(holdDraft(a.symbol, a.asOf))) }
    }
    for (let k = 0; k < 30; k++) t.llm.reply(answer)
    const strategy = (await t.client.call('strategies.list', {})).find((s) => s.mode === 'dry-run')!
    const all = decisionDates('2000-01-03', lastClosedSession(Date.now()))
    const dates = all.slice(all.length - 60, all.length - 50)
    const req = {
      strategyId: strategy.id,
      from: dates[0]!,
      to: dates[9]!,
      arms: [{ analyst: 'llm' as const }, { analyst: 'rules' as const }],
    }
    // 10 dates: a sample of one date, two repeats on it; the rules arm costs no call.
    expect(await t.client.call('evaluations.estimate', req)).toMatchObject({ decisions: 20, calls: 12 })
    expect(await t.client.call('evaluations.estimate', { ...req, noiseFloor: false })).toMatchObject({ calls: 10 })
    const { evaluationId } = await t.client.call('evaluations.start', req)
    await t.app.evaluations.drain()
    const ev = await t.client.call('evaluations.get', { evaluationId })
    expect(ev.error).toBeNull()
    expect(ev.status).toBe('succeeded')
    expect(ev.progress).toEqual({ done: 22, total: 22 })
    expect(t.llm.requests).toHaveLength(12)
    const thrice = dates.filter((t) => asked.filter((x) => x === t).length === 3)
    expect(thrice).toHaveLength(1)
    expect(dates.filter((t) => asked.filter((x) => x === t).length === 1)).toHaveLength(9)
    const sampled = thrice[0]!

    // The repeats are rows of their own arm numbers, not decisions of an arm.
    const rows = t.app.store.db
      .select()
      .from(evaluationDecisions)
      .where(and(eq(evaluationDecisions.evaluationId, evaluationId), eq(evaluationDecisions.date, sampled)))
      .all()
      .sort((x, y) => x.arm - y.arm)
    expect(rows.map((x) => x.arm)).toEqual([0, 1, 101, 102])
    // The second call's BUY went through the same validation and risk rules as any answer.
    const calls = [rows[0]!, rows[2]!, rows[3]!]
    const rs = calls.map((x) => x.r ?? 0)
    const m = (rs[0]! + rs[1]! + rs[2]!) / 3
    const sd = Math.sqrt(rs.reduce((s, x) => s + (x - m) ** 2, 0) / 2)
    const flip = new Set(calls.map((x) => x.action)).size > 1 ? 1 : 0
    const report = await t.client.call('evaluations.report', { evaluationId })
    const [llmArm, rulesArm] = report.arms
    expect(llmArm!.decisions).toBe(10)
    expect(llmArm!.noise).toMatchObject({ sampled: 1, flipRate: flip, deterministic: false })
    expect(llmArm!.noise!.sdR).toBeCloseTo(sd, 10)
    expect(rulesArm!.noise).toEqual({ sampled: 0, flipRate: 0, sdR: 0, deterministic: true, sdHit: 0, sdBrier: 0 })
    const ab = report.ab!
    expect(ab.metric).toBe('mean R net')
    expect(ab.noiseFloor).toBeCloseTo((1.959964 * sd) / Math.sqrt(ab.pairs), 10)
    // Every paired statistic has its own floor; the declared metric's is the one beside the verdict.
    expect(ab.deterministic).toBe(false)
    expect(ab.rows!.map((r) => r.key)).toEqual(['meanR', 'hitRate', 'brier', 'kappa'])
    expect(ab.rows![0]!.noiseFloor).toBe(ab.noiseFloor)
    // κ: the LLM's three calls against the rules' answer on the sampled date, by the delta method.
    const agree = calls.map((x) => Number(x.action === rows[1]!.action))
    const am = (agree[0]! + agree[1]! + agree[2]!) / 3
    const va = agree.reduce((s, x) => s + (x - am) ** 2, 0) / 2
    const actions = async (arm: number) =>
      (await t.client.call('evaluations.decisions', { evaluationId, arm })).map((d) => d.action)
    const pe = expectedAgreement(await actions(0), await actions(1))!
    const kappa = ab.rows![3]!
    expect(kappa.pairs).toBe(10)
    expect(kappa.noiseFloor).toBeCloseTo((1.959964 * Math.sqrt(va)) / (Math.sqrt(10) * (1 - pe)), 10)

    // A re-run replays the main answers and the repeats from the cache: no request.
    const before = t.llm.requests.length
    const again = (await t.client.call('evaluations.start', req)).evaluationId
    await t.app.evaluations.drain()
    expect(t.llm.requests.length).toBe(before)
    const rerun = await t.client.call('evaluations.report', { evaluationId: again })
    expect(rerun.arms[0]!.noise).toEqual(llmArm!.noise)

    // Exported, the repeat calls travel as decision rows of their own arms and are accepted on import.
    const out = await t.client.call('lineage.export', { selection: { evaluationId } })
    const lib = await t.client.call('lineage.import', { file: out.file })
    expect(lib.meta!.counts.evaluationDecisions).toBe(22)
    expect(await t.client.call('review.evaluationReport', { id: lib.id, evaluationId })).toEqual(report)
  }, 240_000)
})
