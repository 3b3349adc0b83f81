import { afterEach, describe, expect, it } from 'vitest'
import { apiError, completion, startFakeOpenAI } from '../../tests/fixtures/fake-openai'
import { goodDraft } from '../domain/signals/fixtures'
import { callForSignal, createLlmClient, type Capability, type LlmEndpoint } from './openai-provider'

// The real openai SDK against a local OpenAI-compatible server (LLM.md §9 test scenarios).

const servers: { close(): Promise<void> }[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
})

async function setup(isOpenAI = false) {
  const fake = await startFakeOpenAI()
  servers.push(fake)
  const endpoint: LlmEndpoint = { baseURL: fake.baseURL, apiKey: 'sk-test', model: 'vision-test', isOpenAI }
  return { fake, endpoint, client: createLlmClient(endpoint) }
}

const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex')
const prompt = { system: 'You are a careful analyst.', user: 'AAPL daily and weekly, numbers…', images: [png, png] }
const full: Capability = { structured: 'json_schema', vision: true }
const good = JSON.stringify(goodDraft())

describe('OpenAI-compatible signal call', () => {
  it('sends json_schema, the charts as data URLs and the key; returns the draft', async () => {
    const { fake, endpoint, client } = await setup()
    fake.reply({ body: completion(good) })
    const r = await callForSignal(client, endpoint, full, prompt)
    expect(r.outcome).toBe('draft')
    expect(r.outcome === 'draft' && r.value).toEqual(goodDraft())
    const req = fake.requests[0]!
    expect(req.authorization).toBe('Bearer sk-test')
    expect(req.body).toMatchObject({
      model: 'vision-test',
      temperature: 0.1,
      max_tokens: 1200,
      response_format: { type: 'json_schema', json_schema: { name: 'trading_signal', strict: true } },
    })
    const content = (req.body.messages as { content: unknown }[])[1]!.content as {
      type: string
      image_url?: { url: string; detail?: string }
    }[]
    expect(content.filter((c) => c.type === 'image_url').map((c) => c.image_url!.url.slice(0, 22))).toEqual([
      'data:image/png;base64,',
      'data:image/png;base64,',
    ])
    expect(content[1]!.image_url!.detail).toBeUndefined()
    expect(r.attempts).toEqual([
      expect.objectContaining({
        purpose: 'signal',
        mode: 'json_schema',
        images: 2,
        httpStatus: 200,
        promptTokens: 1200,
        completionTokens: 300,
      }),
    ])
  })

  it('reads fenced and <think>-prefixed answers', async () => {
    const { fake, endpoint, client } = await setup()
    fake.reply({ body: completion(`<think>weighing it up {"x":1}</think>\n\`\`\`json\n${good}\n\`\`\``) })
    expect((await callForSignal(client, endpoint, full, prompt)).outcome).toBe('draft')
  })

  it('steps down json_schema → json_object → text on the server’s 400s and ' + 'reports the working mode', async () => {
    const { fake, endpoint, client } = await setup()
    fake.reply(
      apiError(400, "Invalid parameter: 'response_format' of type 'json_schema' is not supported"),
      apiError(400, "'response_format.type' must be 'json_schema' or 'text'"),
      { body: completion(good) },
    )
    const r = await callForSignal(client, endpoint, full, prompt)
    expect(r.outcome).toBe('draft')
    expect(r.capability).toEqual({ structured: 'text', vision: true })
    expect(fake.requests.map((q) => (q.body.response_format as { type?: string } | undefined)?.type ?? 'none')).toEqual(
      ['json_schema', 'json_object', 'none'],
    )
    expect(String((fake.requests[2]!.body.messages as { content: string }[])[0]!.content)).toContain(
      'like this example',
    )
  })

  it('drops the images when the server cannot take them', async () => {
    const { fake, endpoint, client } = await setup()
    fake.reply(apiError(400, 'This model does not support image_url content'), { body: completion(good) })
    const r = await callForSignal(client, endpoint, full, prompt)
    expect(r).toMatchObject({ outcome: 'draft', capability: { vision: false } })
    expect(JSON.stringify(fake.requests[1]!.body)).not.toContain('image_url')
  })

  it('asks once to repair unreadable output, then gives REVIEW, never a default signal', async () => {
    const ok = await setup()
    ok.fake.reply({ body: completion('{"action": "BUY", oops') }, { body: completion(good) })
    const fixed = await callForSignal(ok.client, ok.endpoint, full, prompt)
    expect(fixed.outcome).toBe('draft')
    const repair = ok.fake.requests[1]!.body.messages as { role: string; content: unknown }[]
    expect(repair.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user'])
    expect(String(repair[3]!.content)).toContain('Your previous output was invalid')

    const bad = await setup()
    bad.fake.reply({ body: completion('I think you should buy.') }, { body: completion('Still prose.') })
    expect(await callForSignal(bad.client, bad.endpoint, full, prompt)).toMatchObject({
      outcome: 'review',
      reason: 'unparseable',
    })
    expect(bad.fake.requests).toHaveLength(2)

    const schema = await setup()
    const extra = JSON.stringify({ ...goodDraft(), quantity: 500 })
    schema.fake.reply({ body: completion(extra) }, { body: completion(extra) })
    expect(await callForSignal(schema.client, schema.endpoint, full, prompt)).toMatchObject({
      outcome: 'review',
      reason: 'schema_invalid',
    })
  })

  it('retries a cut-off answer once with twice the tokens, then REVIEW truncated', async () => {
    const { fake, endpoint, client } = await setup()
    fake.reply(
      { body: completion('{"schema_version":"1","sym', { finish: 'length' }) },
      { body: completion('{"schema', { finish: 'length' }) },
    )
    expect(await callForSignal(client, endpoint, full, prompt)).toMatchObject({
      outcome: 'review',
      reason: 'truncated',
    })
    expect(fake.requests.map((q) => q.body.max_tokens)).toEqual([1200, 2400])
  })

  it('treats a refusal as REVIEW without retrying', async () => {
    const { fake, endpoint, client } = await setup()
    fake.reply({ body: completion(null, { refusal: 'I can’t help with trading decisions.' }) })
    expect(await callForSignal(client, endpoint, full, prompt)).toMatchObject({ outcome: 'review', reason: 'refused' })
    expect(fake.requests).toHaveLength(1)
  })

  it('gives REVIEW provider_error for a bad key, with no retry loop', async () => {
    const { fake, endpoint, client } = await setup()
    fake.reply(apiError(401, 'Incorrect API key provided'))
    expect(await callForSignal(client, endpoint, full, prompt)).toMatchObject({
      outcome: 'review',
      reason: 'provider_error',
      detail: expect.stringContaining('Incorrect API key'),
    })
    expect(fake.requests).toHaveLength(1)
  })

  it('survives a 503 through the SDK’s own retry and sends detail:high only to OpenAI', async () => {
    const { fake, endpoint, client } = await setup(true)
    fake.reply(apiError(503, 'overloaded'), { body: completion(good) })
    expect((await callForSignal(client, endpoint, full, prompt)).outcome).toBe('draft')
    expect(fake.requests).toHaveLength(2)
    const content = (fake.requests[1]!.body.messages as { content: unknown }[])[1]!.content as {
      image_url?: { detail?: string }
    }[]
    expect(content[1]!.image_url!.detail).toBe('high')
  })
})
