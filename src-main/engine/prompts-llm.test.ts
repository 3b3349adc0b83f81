import { afterEach, describe, expect, it } from 'vitest'
import { apiError, completion, startFakeOpenAI } from '../../tests/fixtures/fake-openai'
import { RpcError } from '../rpc/errors'
import { createPromptTestLlm } from './prompts-llm'

// The "Test" call through the real openai SDK against a local OpenAI-compatible server.

const servers: { close(): Promise<void> }[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
})

async function fake() {
  const f = await startFakeOpenAI()
  servers.push(f)
  return f
}

describe('prompt test call', () => {
  it('sends the rendered system and user text to the configured model and returns its answer with timing', async () => {
    const f = await fake()
    f.reply({ body: completion('HOLD: mixed evidence.') })
    let t = 1000
    const llm = createPromptTestLlm({
      endpoint: () => ({ llmBaseUrl: f.baseURL, llmModel: 'llava:13b' }),
      apiKey: () => Promise.resolve('sk-local'),
      now: () => (t += 250),
    })
    const r = await llm({ system: 'Be brief.', user: 'AAPL 190.40' })
    expect(r).toEqual({ text: 'HOLD: mixed evidence.', model: 'test-model', latencyMs: 250 })
    expect(f.requests[0]!.authorization).toBe('Bearer sk-local')
    expect(f.requests[0]!.body).toMatchObject({
      model: 'llava:13b',
      temperature: 0.1,
      max_tokens: 1200,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'AAPL 190.40' },
      ],
    })
    expect(f.requests[0]!.body.response_format).toBeUndefined()
  })

  it('reads the settings at call time, so a local server works without a key', async () => {
    const f = await fake()
    f.reply({ body: completion('ok') })
    let base: string | null = null
    const llm = createPromptTestLlm({
      endpoint: () => ({ llmBaseUrl: base, llmModel: 'm' }),
      apiKey: () => Promise.resolve(null),
    })
    const none = await llm({ system: '', user: 'x' }).catch((e: unknown) => e)
    expect(none).toBeInstanceOf(RpcError)
    expect(none).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('No language model is configured'),
    })
    expect(f.requests).toHaveLength(0)
    base = f.baseURL
    expect((await llm({ system: '', user: 'x' })).text).toBe('ok')
  })

  it('passes the server’s error on, and an empty answer is an error, not an empty result', async () => {
    const f = await fake()
    f.reply(apiError(400, 'model "nope" not found'), { body: completion(null, { finish: 'length' }) })
    const llm = createPromptTestLlm({
      endpoint: () => ({ llmBaseUrl: f.baseURL, llmModel: 'nope' }),
      apiKey: () => Promise.resolve('k'),
    })
    await expect(llm({ system: '', user: 'x' })).rejects.toThrow(/model "nope" not found/)
    await expect(llm({ system: '', user: 'x' })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('finish reason: length'),
    })
  })
})
