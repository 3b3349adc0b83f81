import { create } from 'zustand'
import type {
  PromptTemplate,
  PromptVariable,
  PromptVersion,
  TemplateProblem,
} from '../../src-main/contract/prompts-api'
import { RpcCallError } from '../../src-main/contract/client'
import { call, errorMessage, onEvent } from '../state/app'

// The prompt page's server state: templates, histories and the variable contract, refetched when
// the engine announces a change to the prompt tables (db.changed), never polled.

interface PromptsState {
  templates: PromptTemplate[] | null
  strategies: Record<string, string>
  variables: PromptVariable[]
  histories: Record<string, PromptVersion[]>
  loadError: string | null
  load(): Promise<void>
  loadHistory(templateId: string): Promise<void>
}

export const usePrompts = create<PromptsState>((set, get) => ({
  templates: null,
  strategies: {},
  variables: [],
  histories: {},
  loadError: null,
  async load() {
    try {
      const [templates, variables, strategies] = await Promise.all([
        call('prompts.list', {}),
        get().variables.length ? Promise.resolve(get().variables) : call('prompts.variables', {}),
        call('strategies.list', {}),
      ])
      set({
        templates,
        variables,
        strategies: Object.fromEntries(strategies.map((s) => [s.id, s.name])),
        loadError: null,
      })
    } catch (e) {
      set({ loadError: errorMessage(e) })
    }
  },
  async loadHistory(templateId) {
    try {
      const versions = await call('prompts.history', { templateId })
      set({ histories: { ...get().histories, [templateId]: versions } })
    } catch (e) {
      set({ loadError: errorMessage(e) })
    }
  },
}))

/** Keep the store fresh while the page is open; returns the unsubscribe function. */
export function watchPrompts(): () => void {
  void usePrompts.getState().load()
  return onEvent('db.changed', ({ tables }) => {
    if (!tables.some((t) => t.startsWith('prompt_') || t === 'strategies')) return
    const s = usePrompts.getState()
    void s.load()
    for (const id of Object.keys(s.histories)) void s.loadHistory(id)
  })
}

/** The template problems a BAD_INPUT save or test carries, if any. */
export function problemsOf(e: unknown): TemplateProblem[] {
  if (!(e instanceof RpcCallError) || e.code !== 'BAD_INPUT' || !Array.isArray(e.details)) return []
  return (e.details as TemplateProblem[]).filter((p) => typeof p.message === 'string' && 'field' in p)
}

export const PURPOSE_LABEL: Record<PromptTemplate['purpose'], string> = {
  combined: 'Combined',
  daily: 'Daily',
  weekly: 'Weekly',
  consolidation: 'Consolidation',
}

export function fmtTime(ms: number): string {
  const d = new Date(ms)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}
