import { z } from 'zod'
import { ErrorCode } from './models'

/** Largest frame either side accepts, in bytes of JSON text. */
export const MAX_FRAME_BYTES = 64 * 1024
/**
 * Largest frame the host sends, in bytes of JSON text. Bulk bytes (artifacts, bundles) travel over
 * HTTP or files, never over RPC; a result over this cap is refused with an error frame to the caller.
 */
export const MAX_HOST_FRAME_BYTES = 16 * 1024 * 1024

const Id = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)
const Name = z.string().min(1).max(100)

export const RpcErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.unknown().optional(),
})
export type RpcErrorBody = z.infer<typeof RpcErrorBody>

/** Frames a client sends to the host. */
export const ClientFrame = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), id: Id, m: Name, p: z.unknown() }).strict(),
  z.object({ t: z.literal('sub'), ev: Name }).strict(),
  z.object({ t: z.literal('unsub'), ev: Name }).strict(),
])
export type ClientFrame = z.infer<typeof ClientFrame>

/** Frames the host sends to a client. */
export const HostFrame = z.discriminatedUnion('t', [
  z.object({ t: z.literal('ok'), id: Id, r: z.unknown() }),
  z.object({ t: z.literal('err'), id: Id.nullable(), e: RpcErrorBody }),
  z.object({ t: z.literal('ev'), ev: Name, d: z.unknown() }),
])
export type HostFrame = z.infer<typeof HostFrame>

/** The two-member carrier every transport implements (Electron IPC, WebSocket, in-process). */
export interface Transport<Out, In> {
  send(frame: Out): void
  onMessage(cb: (frame: In) => void): () => void
}
