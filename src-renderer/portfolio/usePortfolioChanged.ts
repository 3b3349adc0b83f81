import { useEffect, useRef } from 'react'
import { onEvent } from '../state/app'

/** Call `reload` whenever the engine says the portfolio changed (fills, recomputes, snapshots). */
export function usePortfolioChanged(reload: () => void): void {
  const latest = useRef(reload)
  useEffect(() => {
    latest.current = reload
  })
  useEffect(() => onEvent('portfolio.changed', () => latest.current()), [])
}
