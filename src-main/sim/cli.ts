import { parseArgs } from 'node:util'
import { startSimGateway } from './server'

// `npm run sim -- [--port N] [--seed N] [--no-tls] [--calendar nyse|always-open]`: the simulated
// gateway on its own, in real time, logged in, for trying a client against it.
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      seed: { type: 'string' },
      'no-tls': { type: 'boolean' },
      calendar: { type: 'string' },
    },
    strict: true,
  })
  const calendar = values.calendar ?? 'always-open'
  if (calendar !== 'nyse' && calendar !== 'always-open') throw new Error('--calendar is nyse or always-open')
  const sim = await startSimGateway({
    port: values.port ? Number(values.port) : 0,
    seed: values.seed ? Number(values.seed) : 1,
    tls: !values['no-tls'],
    demo: true,
    calendar,
    journalLimit: 0, // nothing outside the process reads it
  })
  process.stdout.write(
    JSON.stringify({ baseUrl: sim.baseUrl, wsUrl: sim.wsUrl, port: sim.port, fingerprint: sim.fingerprint }) + '\n',
  )
  const stop = () => void sim.close().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((e: unknown) => {
  console.error(`[sim] ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
})
