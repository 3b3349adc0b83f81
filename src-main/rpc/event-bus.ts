import { events, type EventData, type EventName } from '../contract/events'

type Listener = (event: EventName, data: unknown) => void

/** Typed publish/subscribe inside the engine; the RPC server fans events out to subscribed clients. */
export interface EventBus {
  emit<E extends EventName>(event: E, data: EventData<E>): void
  listen(cb: Listener): () => void
}

export function createEventBus(opts: { validate?: boolean } = {}): EventBus {
  const listeners = new Set<Listener>()
  return {
    emit(event, data) {
      if (opts.validate) events[event].parse(data)
      for (const cb of listeners) cb(event, data)
    },
    listen(cb) {
      listeners.add(cb)
      return () => listeners.delete(cb)
    },
  }
}
