import { join } from 'node:path'
import { openStore, startCheckpointer, type Store } from '../store/db'
import { startDailyBackup } from '../store/backup-schedule'
import { abortInterruptedRuns } from '../store/lineage-repo'
import type { Timers } from '../timers'
import type { AppConfig } from '../app'

/**
 * The store, opened and migrated, its checkpointer and daily backup (RELIABILITY.md §4) started,
 * runs a crash interrupted marked aborted.
 */
export async function openAppStore(
  cfg: AppConfig,
  now: () => number,
  timers: Timers,
): Promise<{ store: Store; stopCheckpointer: () => void; stopBackup: () => Promise<void> }> {
  const dataDir = cfg.dataDir.value
  const store = await openStore({
    file: join(dataDir, 'workstation.sqlite'),
    migrationsDir: cfg.migrationsDir,
    backupDir: join(dataDir, 'backups'),
    now,
  })
  const stopCheckpointer = startCheckpointer(store, timers.every)
  const daily = startDailyBackup({
    store,
    dir: join(dataDir, 'backups'),
    now,
    timers,
    onError: (e) => cfg.onInternalError?.('backup', e),
  })
  const aborted = abortInterruptedRuns(store.db, now())
  if (aborted.length > 0)
    cfg.onInternalError?.(
      'startup',
      new Error(`Marked ${aborted.length} interrupted run(s) aborted: ${aborted.join(', ')}`),
    )
  return { store, stopCheckpointer, stopBackup: () => daily.stop() }
}
