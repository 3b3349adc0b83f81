// The run's steps, in the order the executor runs them (PRODUCT.md F8). Each is a plain function from
// its inputs and services to its output; see docs/architecture.md and each module's header.
export * from './types'
export * from './check-session'
export * from './load-strategy'
export * from './fetch-market-data'
export * from './compute-indicators'
export * from './render-charts'
export * from './llm-analysis'
export * from './validate-signal'
export * from './risk-check'
export * from './place-order'
export * from './track-order'
