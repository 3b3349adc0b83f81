import { shell } from 'electron'
import { isAllowedExternalUrl } from './security'

/** The only call site of `shell.openExternal`: https links to allow-listed hosts. */
export async function openExternalSafely(url: string): Promise<boolean> {
  if (!isAllowedExternalUrl(url)) return false
  await shell.openExternal(url)
  return true
}
