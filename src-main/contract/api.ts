import { z } from 'zod'
import { GatewayStatus, Health, SettingsPatch, SettingsView } from './models'

const Empty = z.object({}).strict()

/**
 * Every method the renderer (or any client) can call: `domain.verb` -> zod input and output.
 * The dispatcher validates every input against `input` before a handler runs.
 */
export const api = {
  'system.health': { input: Empty, output: Health },
  'settings.get': { input: Empty, output: SettingsView },
  'settings.update': { input: SettingsPatch, output: SettingsView },
  'gateway.status': { input: Empty, output: GatewayStatus },
} as const

export type Api = typeof api
export type Method = keyof Api
export type Input<M extends Method> = z.input<Api[M]['input']>
export type ParsedInput<M extends Method> = z.output<Api[M]['input']>
export type Output<M extends Method> = z.output<Api[M]['output']>

export const METHODS = Object.keys(api) as Method[]

export function isMethod(name: string): name is Method {
  return Object.hasOwn(api, name)
}
