import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { RpcError } from '../../rpc/errors'
import type { SecretStore } from '../../engine/secrets'

/** The parts of Electron's `safeStorage` we use; the async API only (the sync one is going away). */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>
  encryptStringAsync(plain: string): Promise<Buffer>
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>
  getSelectedStorageBackend?(): string
}

/** Linux backends that really protect the key; `basic_text` uses a hard-coded password. */
const TRUSTED_LINUX_BACKENDS = new Set(['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6'])

/**
 * API keys encrypted with the OS keychain (safeStorage), kept as a 0600 JSON file written
 * atomically. Refuses to store anything where the protection would be a formality.
 */
export function createKeychainSecretStore(opts: {
  file: string
  safeStorage: SafeStorageLike
  platform: NodeJS.Platform
}): SecretStore {
  const { file, safeStorage } = opts

  function readAll(): Record<string, string> {
    if (!existsSync(file)) return {}
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>
  }

  function writeAll(data: Record<string, string>): void {
    const temp = `${file}.tmp`
    writeFileSync(temp, JSON.stringify(data), { mode: 0o600 })
    chmodSync(temp, 0o600)
    renameSync(temp, file)
  }

  async function assertProtected(): Promise<void> {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) {
      throw new RpcError(
        'UNAVAILABLE',
        'The OS keychain is not available, so the key was not stored. Set OPENAI_API_KEY in the environment instead.',
      )
    }
    if (opts.platform === 'linux') {
      const backend = safeStorage.getSelectedStorageBackend?.() ?? 'unknown'
      if (!TRUSTED_LINUX_BACKENDS.has(backend)) {
        throw new RpcError(
          'UNAVAILABLE',
          `No secure keyring is available (backend "${backend}"), so the key was not stored. ` +
            'Start a Secret Service (GNOME Keyring, KWallet) or set OPENAI_API_KEY in the environment.',
        )
      }
    }
  }

  return {
    kind: 'keychain',
    async get(name) {
      const sealed = readAll()[name]
      if (sealed === undefined) return null
      const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(Buffer.from(sealed, 'base64'))
      if (shouldReEncrypt) {
        const data = readAll()
        data[name] = (await safeStorage.encryptStringAsync(result)).toString('base64')
        writeAll(data)
      }
      return result
    },
    async set(name, value) {
      await assertProtected()
      const data = readAll()
      data[name] = (await safeStorage.encryptStringAsync(value)).toString('base64')
      writeAll(data)
    },
    async delete(name) {
      const data = readAll()
      if (!(name in data)) return
      delete data[name]
      writeAll(data)
    },
  }
}
