import type { ChartCapture } from '../charts/capture'
import type { EventBus } from '../rpc/event-bus'
import { putArtifact } from '../store/artifacts'
import type { Db } from '../store/db'
import type { AnalystConfig, CapabilityCache } from './analyst'
import type { StepContext } from './run-recorder'
import { contentBytes, type StepIo } from './steps/types'

/** What every service that records runs needs: stores, clock, artifacts, the capture page and the analyst. */
export interface RunEnvironment {
  db: Db
  /** The lineage connection (synchronous=NORMAL) the run recorder writes through. */
  lineageDb: Db
  bus: EventBus
  now(): number
  perfNow(): number
  dataDir: string
  appVersion: string
  /** The warm chart-capture page, started on first use. */
  capture(): Promise<ChartCapture>
  analystConfig(): Promise<AnalystConfig>
  capabilities: CapabilityCache
}

/** A step's artifacts go to the artifact store and into the step's lineage record. */
export function storingIo(env: Pick<RunEnvironment, 'db' | 'dataDir' | 'now'>, ctx: StepContext): StepIo {
  return {
    artifact(content, kind, mime) {
      const stored = putArtifact(env.db, env.dataDir, contentBytes(content), kind, mime, env.now())
      ctx.artifact(stored.sha256)
      return stored.sha256
    },
    partial: (output) => ctx.partial(output),
  }
}
