import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { PromptContext } from '../../contract/prompts'
import * as D from './defaults'
import { createPromptEngine, renderProblem, renderTemplate } from './engine'
import { sampleConsolidationContext, sampleContext } from './fixtures'

// Golden renders, pinned from the code before parsed templates were cached: the rendered prompt
// is an artifact (its sha256 is recorded and replayed), so every byte of it, and every error a
// broken template gives, must stay as it was. Each case renders twice on one engine, so the second
// render (a cache hit) is checked too.

const sha = (s: string) => createHash('sha256').update(s).digest('hex')

function longShortContext(): PromptContext {
  const c = sampleConsolidationContext()
  return {
    ...c,
    position: { side: 'long', qty: 120, avg_price: 181.237, upl_pct: 5.06, stop: 176.5 },
    risk: { ...c.risk, allow_short: true },
    previous_analyses: [
      { date: '2026-11-13', action: 'BUY', r_multiple: 1.234567, outcome: '{"status":"filled"}' },
      { date: '2026-11-06', action: 'HOLD', r_multiple: null, outcome: null },
    ],
    levels: { support: [], resistance: [201.25] },
  }
}

const TEMPLATES = {
  system: D.DEFAULT_SYSTEM,
  combined: D.DEFAULT_COMBINED,
  textSystem: D.DEFAULT_TEXT_SYSTEM,
  daily: D.DEFAULT_DAILY,
  weekly: D.DEFAULT_WEEKLY,
  consolidation: D.DEFAULT_CONSOLIDATION,
}
const CONTEXTS = { sample: sampleContext, consolidation: sampleConsolidationContext, longShort: longShortContext }

const RENDERED: Record<string, string> = {
  'system/sample': '19e98067c91c481840b174ffb55826e2a006515f1f68fd8695d6f6a200b72455',
  'system/consolidation': '19e98067c91c481840b174ffb55826e2a006515f1f68fd8695d6f6a200b72455',
  'system/longShort': 'b3ed694adde1ae57a62a35eda9ee680d9a6c5ca89dbd2297f4d4fe5a666224ec',
  'combined/sample': '6b7dce140f805f04721712723be63abfa0a72ef307341bbb80b1e35890fbed22',
  'combined/consolidation': '6b7dce140f805f04721712723be63abfa0a72ef307341bbb80b1e35890fbed22',
  'combined/longShort': 'd441867ba729d344faf081707bbdab6edbb5bae723cd4dcf92d1c0362e58fe12',
  'textSystem/sample': '9e19df36a3ca49aa7d775415120ef1aec45768b8f445da6cde3e1c9bda0125ee',
  'textSystem/consolidation': '9e19df36a3ca49aa7d775415120ef1aec45768b8f445da6cde3e1c9bda0125ee',
  'textSystem/longShort': '9e19df36a3ca49aa7d775415120ef1aec45768b8f445da6cde3e1c9bda0125ee',
  'daily/sample': '1aa9a126b816925a68e28dc9b5eb3e9b80998a5cbc162b198c3d69592ed95314',
  'daily/consolidation': '1aa9a126b816925a68e28dc9b5eb3e9b80998a5cbc162b198c3d69592ed95314',
  'daily/longShort': '1cf6f2353ae488cf502452120e45a52303e4cc53b266ad01525a1af92d7402a3',
  'weekly/sample': '020dd114819f47975141de89436f096ccb4e90305fd9943fb9a2579f1fd21ec1',
  'weekly/consolidation': '020dd114819f47975141de89436f096ccb4e90305fd9943fb9a2579f1fd21ec1',
  'weekly/longShort': '5902c2b62db2008ad168aaf1d83dbc4de8a56b0fe1bca67831f4a417881d2e58',
  'consolidation/sample': '183fe214b38106fb5b6c745fcf562759989068e3e1a9d6afb6270d8cee1bee20',
  'consolidation/consolidation': '22c1c87e69db58015b3f8dc9678816a78657be180ae0b24120130fb2e04cfa6d',
  'consolidation/longShort': '44a00977d86cd8217501e6972a9e32a89ab0a58b0908086bc58a5c5097e67fca',
}

const BROKEN: Record<string, string> = {
  unknownFilter:
    'ParseError: undefined filter: shout, line:1, col:7 | ' +
    '{"message":"Does not render: undefined filter: shout","line":1,"column":7,"variable":null}',
  unknownVariable:
    'UndefinedVariableError: undefined variable: d.rsi_14, line:2, col:8 | ' +
    '{"message":"Does not render: undefined variable: d.rsi_14","line":2,"column":8,"variable":null}',
  unclosedIf:
    'ParseError: tag {% if symbol %} not closed, line:2, col:1 | ' +
    '{"message":"Does not render: tag {% if symbol %} not closed","line":2,"column":1,"variable":null}',
  unclosedOutput:
    'TokenizationError: output "{{ symbol" not closed, line:1, col:8 | ' +
    '{"message":"Does not render: output \\"{{ symbol\\" not closed","line":1,"column":8,"variable":null}',
  badFilterArgument:
    'Error: rendered: 190.40 | ' +
    '{"message":"Does not render: rendered: 190.40","line":null,"column":null,"variable":null}',
  loopOverScalar:
    'UndefinedVariableError: undefined variable: x.y, line:1, col:25 | ' +
    '{"message":"Does not render: undefined variable: x.y","line":1,"column":25,"variable":null}',
}

describe('prompt render golden outputs', () => {
  for (const [t, body] of Object.entries(TEMPLATES)) {
    for (const [c, ctx] of Object.entries(CONTEXTS)) {
      it(`${t} with the ${c} context`, async () => {
        const engine = createPromptEngine()
        const first = await renderTemplate(engine, body, ctx())
        expect(sha(first)).toBe(RENDERED[`${t}/${c}`])
        expect(await renderTemplate(engine, body, ctx())).toBe(first)
      })
    }
  }

  const broken = {
    unknownFilter: 'Price {{ price.last_close | shout }}',
    unknownVariable: 'Symbol {{ symbol }}\nRSI {{ d.rsi_14 }}',
    unclosedIf: 'ok\n{% if symbol %}never closed',
    unclosedOutput: 'Symbol {{ symbol',
    badFilterArgument: '{{ price.last_close | round: }}',
    loopOverScalar: '{% for x in symbol %}{{ x.y }}{% endfor %}',
  }
  for (const [name, body] of Object.entries(broken)) {
    it(`a broken or doubtful template answers the same every time: ${name}`, async () => {
      const engine = createPromptEngine()
      const errors: string[] = []
      for (let i = 0; i < 2; i++) {
        const e: unknown = await renderTemplate(engine, body, sampleContext()).then(
          (text) => new Error(`rendered: ${text}`),
          (err: unknown) => err,
        )
        errors.push(`${(e as Error).name}: ${(e as Error).message} | ${JSON.stringify(renderProblem(e))}`)
      }
      expect(errors[1]).toBe(errors[0])
      expect(errors[0]).toBe(BROKEN[name])
    })
  }
})
