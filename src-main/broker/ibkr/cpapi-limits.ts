// IBKR's documented CPAPI pacing (IBKR.md §4), shared by our client (which stays under it) and the
// simulator (which enforces it). Keys are METHOD + path template, never the query string.

export interface WindowLimit {
  max: number
  windowMs: number
}

export const CPAPI_ENDPOINT_LIMITS: Readonly<Record<string, WindowLimit>> = {
  'GET /iserver/marketdata/snapshot': { max: 10, windowMs: 1000 },
  'GET /iserver/account/orders': { max: 1, windowMs: 5000 },
  'GET /iserver/account/trades': { max: 1, windowMs: 5000 },
  'GET /iserver/account/pnl/partitioned': { max: 1, windowMs: 5000 },
  'GET /portfolio/accounts': { max: 1, windowMs: 5000 },
  'POST /tickle': { max: 1, windowMs: 1000 },
  'GET /sso/validate': { max: 1, windowMs: 60_000 },
}

/** `/iserver/contract/265598/info` → `/iserver/contract/{id}/info`; account ids too; no query. */
export function pathTemplate(path: string): string {
  return path
    .split('?')[0]!
    .replace(/(?<=.)\/+$/, '')
    .replace(/\/iserver\/account\/[A-Za-z0-9]+\/(orders|order)/, '/iserver/account/{accountId}/$1')
    .replace(/\/portfolio\/[A-Z]{1,3}\d+[A-Za-z0-9]*\//, '/portfolio/{accountId}/')
    .replace(/\/\d+(?=\/|$)/g, '/{id}')
}
