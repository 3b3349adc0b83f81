import { useEffect, useState } from 'react'
import { errorMessage, onEvent } from './app'

/**
 * Load data for a page: fetched when `key` changes and again whenever one of `tables` changes in the
 * engine (`db.changed`). Results of a superseded request are dropped.
 */
export function useLoad<T>(
  fetch: () => Promise<T>,
  key: string,
  tables: readonly string[] = [],
): { data: T | null; error: string | null; loading: boolean; reload(): void } {
  const [tick, setTick] = useState(0)
  const [result, setResult] = useState<{ for: string; data: T | null; error: string | null }>({
    for: '',
    data: null,
    error: null,
  })
  const requestKey = `${key}#${tick}`
  useEffect(() => {
    let live = true
    fetch().then(
      (data) => live && setResult({ for: requestKey, data, error: null }),
      (e: unknown) => live && setResult((r) => ({ ...r, for: requestKey, error: errorMessage(e) })),
    )
    return () => {
      live = false
    }
    // The fetch function is recreated each render; the key says when it asks for something else.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [requestKey])
  const watched = tables.join(',')
  useEffect(() => {
    if (watched === '') return
    const list = watched.split(',')
    return onEvent('db.changed', ({ tables: changed }) => {
      if (changed.some((t) => list.includes(t))) setTick((t) => t + 1)
    })
  }, [watched])
  return {
    data: result.data,
    error: result.error,
    loading: result.for !== requestKey,
    reload: () => setTick((t) => t + 1),
  }
}
