/** Where the app keeps secrets such as LLM API keys. Only the Electron host has one (OS keychain). */
export interface SecretStore {
  readonly kind: 'keychain'
  get(name: string): Promise<string | null>
  set(name: string, value: string): Promise<void>
  delete(name: string): Promise<void>
}

export const LLM_API_KEY = 'llm.apiKey'
