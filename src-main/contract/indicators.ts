import { z } from 'zod'

// The indicator catalogue (F4): one parameter schema per type, shared by the RPC contract, the
// indicator engine in src-main/domain/indicators and the chart's indicator picker.

function intParam(what: string, def: number, min: number, max: number) {
  const message = `${what} must be an integer from ${min} to ${max}`
  return z.number({ error: message }).int({ message }).min(min, { message }).max(max, { message }).default(def)
}
function numParam(what: string, def: number, min: number, max: number) {
  const message = `${what} must be a number from ${min} to ${max}`
  return z.number({ error: message }).finite({ message }).min(min, { message }).max(max, { message }).default(def)
}

const Id = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'An indicator id is 1-40 letters, digits, _ or -')
const spec = <T extends string, P extends z.ZodRawShape>(type: T, params: P) =>
  z
    .object({
      id: Id,
      type: z.literal(type),
      params: z
        .object(params)
        .strict()
        .prefault({} as never),
    })
    .strict()

export const VwapAnchor = z.enum(['session', 'week', 'month', 'year'])

export const IndicatorSpec = z.discriminatedUnion(
  'type',
  [
    spec('sma', { period: intParam('SMA period', 20, 2, 500) }),
    spec('ema', { period: intParam('EMA period', 20, 2, 500) }),
    spec('wma', { period: intParam('WMA period', 20, 2, 500) }),
    spec('bb', {
      period: intParam('Bollinger period', 20, 2, 500),
      stdDev: numParam('Bollinger width (standard deviations)', 2, 0.5, 5),
    }),
    spec('supertrend', {
      atrPeriod: intParam('SuperTrend ATR period', 10, 2, 200),
      multiplier: numParam('SuperTrend multiplier', 3, 0.5, 10),
    }),
    spec('macd', {
      fast: intParam('MACD fast period', 12, 2, 200),
      slow: intParam('MACD slow period', 26, 3, 400),
      signal: intParam('MACD signal period', 9, 2, 200),
    }),
    spec('rsi', { period: intParam('RSI period', 14, 2, 500) }),
    spec('atr', { period: intParam('ATR period', 14, 2, 500) }),
    spec('obv', {}),
    spec('stoch', {
      kPeriod: intParam('Stochastic %K period', 14, 2, 200),
      kSlowing: intParam('Stochastic %K slowing', 3, 1, 50),
      dPeriod: intParam('Stochastic %D period', 3, 1, 50),
    }),
    spec('adx', { period: intParam('ADX period', 14, 2, 200) }),
    spec('cci', { period: intParam('CCI period', 20, 2, 500) }),
    spec('vwap', { anchor: VwapAnchor.default('session') }),
  ],
  {
    error:
      'Unknown indicator type; use one of sma, ema, wma, bb, supertrend, macd, rsi, atr, obv, stoch, adx, cci, vwap',
  },
)
export type IndicatorSpec = z.output<typeof IndicatorSpec>
export type IndicatorSpecInput = z.input<typeof IndicatorSpec>
export type IndicatorType = IndicatorSpec['type']

/** A spec list with unique ids, and MACD's fast period below its slow one. */
export const IndicatorSpecs = z
  .array(IndicatorSpec)
  .max(20)
  .superRefine((specs, ctx) => {
    const seen = new Set<string>()
    specs.forEach((s, i) => {
      if (seen.has(s.id))
        ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `Indicator id "${s.id}" is used twice` })
      seen.add(s.id)
      if (s.type === 'macd' && s.params.fast >= s.params.slow) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'params', 'fast'],
          message: 'MACD fast period must be below the slow period',
        })
      }
    })
  })

export interface IndicatorInfo {
  type: IndicatorType
  label: string
  placement: 'overlay' | 'pane'
  /** Output series names, in drawing order. */
  outputs: readonly string[]
}

export const INDICATORS: readonly IndicatorInfo[] = [
  { type: 'sma', label: 'SMA', placement: 'overlay', outputs: ['value'] },
  { type: 'ema', label: 'EMA', placement: 'overlay', outputs: ['value'] },
  { type: 'wma', label: 'WMA', placement: 'overlay', outputs: ['value'] },
  { type: 'bb', label: 'Bollinger Bands', placement: 'overlay', outputs: ['upper', 'middle', 'lower'] },
  { type: 'supertrend', label: 'SuperTrend', placement: 'overlay', outputs: ['value', 'direction'] },
  { type: 'vwap', label: 'VWAP', placement: 'overlay', outputs: ['value'] },
  { type: 'macd', label: 'MACD', placement: 'pane', outputs: ['macd', 'signal', 'histogram'] },
  { type: 'rsi', label: 'RSI', placement: 'pane', outputs: ['value'] },
  { type: 'stoch', label: 'Stochastic', placement: 'pane', outputs: ['k', 'd'] },
  { type: 'adx', label: 'ADX', placement: 'pane', outputs: ['adx', 'pdi', 'mdi'] },
  { type: 'atr', label: 'ATR', placement: 'pane', outputs: ['value'] },
  { type: 'cci', label: 'CCI', placement: 'pane', outputs: ['value'] },
  { type: 'obv', label: 'OBV', placement: 'pane', outputs: ['value'] },
]

/** The chart label of one configured indicator, e.g. `BB 20,2`, `MACD 12,26,9`. */
export function indicatorLabel(s: IndicatorSpec): string {
  const short = s.type === 'supertrend' ? 'ST' : s.type.toUpperCase()
  const values = Object.values(s.params as Record<string, unknown>)
  return values.length > 0 ? `${short} ${values.join(',')}` : short
}
