import { z } from 'zod'
import { Bar, IndicatorResult, PriceLevels } from './models'

/** What the capture page draws (LLM.md §11): recorded bars and arrays only, at a fixed size. */
export const ChartImageSpec = z.object({
  title: z.string().max(200),
  width: z.number().int().min(320).max(1600),
  height: z.number().int().min(240).max(1200),
  bars: z.array(Bar).min(1).max(2000),
  indicators: z.array(IndicatorResult),
  levels: PriceLevels.nullable(),
  /** A bare time axis (no dates drawn): the evaluation lab's date-blind charts. */
  bareTime: z.boolean().optional(),
})
export type ChartImageSpec = z.infer<typeof ChartImageSpec>
