import { randomBytes } from 'node:crypto'
import { createWriteStream, mkdirSync, rmSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import { BUNDLE_EXT } from '../../contract/bundles-api'
import { createRpcClient, RpcCallError } from '../../contract/client'
import { redactPaths } from '../../rpc/redact'
import type { RpcServer } from '../../rpc/server'
import { inProcessTransport } from '../../rpc/in-process'

// The web host's bundle upload (the browser has no file paths): POST the file's bytes; they land in
// DATA_DIR/review-incoming/ (capped), then go through the same read-only `lineage.import` as a path
// does, and the upload is removed. Answers {library} or {error}; an OS error's text names the data
// folder, so it is answered with its paths cut to their last segment (the full text goes to the log).

export const UPLOAD_PATH = '/review-upload'
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024
const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._()-]{0,120}$/

/** An error for the browser: no absolute paths (issue #9 hole 5); the whole of it stays in the log. */
function failure(what: string, e: unknown): string {
  const text = e instanceof Error ? e.message : String(e)
  console.error(`[web] ${UPLOAD_PATH}: ${what}: ${text}`)
  return redactPaths(`${what}: ${text}`)
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' })
  res.end(JSON.stringify(body))
}

export function handleBundleUpload(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  o: { dataDir: string; rpc: RpcServer; maxBytes?: number },
): void {
  const max = o.maxBytes ?? MAX_UPLOAD_BYTES
  const name = url.searchParams.get('name') ?? ''
  if (!NAME.test(name) || !name.endsWith(BUNDLE_EXT))
    return json(res, 400, { error: `Upload a ${BUNDLE_EXT} file (letters, digits, spaces and ._()- in its name).` })
  const declared = Number(req.headers['content-length'] ?? NaN)
  if (!Number.isFinite(declared) || declared <= 0)
    return json(res, 411, { error: 'The upload needs a Content-Length.' })
  if (declared > max) return json(res, 413, { error: `The bundle is larger than ${max / 1024 / 1024} MB.` })

  const dir = join(o.dataDir, 'review-incoming')
  const file = join(dir, `${randomBytes(8).toString('hex')}-${name.replace(/ /g, '_')}`)
  try {
    mkdirSync(dir, { recursive: true })
  } catch (e) {
    req.resume()
    return json(res, 500, { error: failure('Could not store the upload', e) })
  }
  const out = createWriteStream(file, { flags: 'wx', mode: 0o600 })
  let received = 0
  let failed = false
  const abort = (status: number, error: string) => {
    if (failed) return
    failed = true
    req.unpipe(out)
    out.destroy()
    rmSync(file, { force: true })
    json(res, status, { error })
    req.resume()
  }
  req.on('data', (chunk: Buffer) => {
    received += chunk.length
    if (received > declared || received > max) abort(413, 'The upload is larger than it declared.')
  })
  req.on('error', () => abort(400, 'The upload was interrupted.'))
  out.on('error', (e) => abort(500, failure('Could not store the upload', e)))
  out.on('finish', () => {
    if (failed) return
    if (received !== declared) return abort(400, 'The upload was cut short; try again.')
    void importUploaded(file, o.rpc).then(
      (library) => json(res, 200, { library }),
      (e: unknown) =>
        e instanceof RpcCallError
          ? json(res, 422, { error: redactPaths(e.message) })
          : json(res, 500, { error: failure('Could not import the upload', e) }),
    )
  })
  req.pipe(out)
}

async function importUploaded(file: string, rpc: RpcServer) {
  const transport = inProcessTransport(rpc)
  const client = createRpcClient(transport)
  try {
    return await client.call('lineage.import', { file })
  } finally {
    client.close()
    transport.disconnect()
    rmSync(file, { force: true })
  }
}
