import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { createKeychainSecretStore, type SafeStorageLike } from './secrets'

/** Reversible stand-in for the OS keychain: a tag plus base64, with a switchable backend. */
function fakeSafeStorage(opts: { available?: boolean; backend?: string; reEncrypt?: boolean } = {}): SafeStorageLike {
  return {
    isAsyncEncryptionAvailable: async () => opts.available ?? true,
    getSelectedStorageBackend: () => opts.backend ?? 'gnome_libsecret',
    encryptStringAsync: vi.fn(async (s: string) => Buffer.from(`sealed:${s}`)),
    decryptStringAsync: vi.fn(async (b: Buffer) => {
      const text = b.toString()
      if (!text.startsWith('sealed:'))
        throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.')
      return { result: text.slice('sealed:'.length), shouldReEncrypt: opts.reEncrypt ?? false }
    }),
  }
}

const file = () => join(mkdtempSync(join(tmpdir(), 'ibkr-ws-secrets-')), 'secrets.json')

describe('keychain secret store', () => {
  it('round-trips a key through safeStorage into a 0600 file without plaintext', async () => {
    const f = file()
    const store = createKeychainSecretStore({ file: f, safeStorage: fakeSafeStorage(), platform: 'linux' })
    await store.set('llm.apiKey', 'sk-live-123')
    expect(await store.get('llm.apiKey')).toBe('sk-live-123')
    expect(readFileSync(f, 'utf8')).not.toContain('sk-live-123')
    expect(statSync(f).mode & 0o777).toBe(0o600)
    await store.delete('llm.apiKey')
    expect(await store.get('llm.apiKey')).toBeNull()
  })

  it('refuses the Linux basic_text and unknown backends and writes nothing', async () => {
    for (const backend of ['basic_text', 'unknown']) {
      const f = file()
      const store = createKeychainSecretStore({ file: f, safeStorage: fakeSafeStorage({ backend }), platform: 'linux' })
      await expect(store.set('llm.apiKey', 'sk')).rejects.toThrow(/No secure keyring is available/)
      expect(existsSync(f)).toBe(false)
    }
  })

  it('accepts any backend report on macOS and Windows, but not an unavailable keychain', async () => {
    const mac = createKeychainSecretStore({
      file: file(),
      safeStorage: fakeSafeStorage({ backend: 'basic_text' }),
      platform: 'darwin',
    })
    await mac.set('k', 'v')
    const none = createKeychainSecretStore({
      file: file(),
      safeStorage: fakeSafeStorage({ available: false }),
      platform: 'win32',
    })
    await expect(none.set('k', 'v')).rejects.toThrow(/keychain is not available/)
  })

  it('re-encrypts when safeStorage says the key rotated', async () => {
    const f = file()
    const storage = fakeSafeStorage({ reEncrypt: true })
    const store = createKeychainSecretStore({ file: f, safeStorage: storage, platform: 'linux' })
    await store.set('k', 'v')
    expect(await store.get('k')).toBe('v')
    expect(storage.encryptStringAsync).toHaveBeenCalledTimes(2)
  })

  it('surfaces a decrypt failure instead of returning a wrong key', async () => {
    const f = file()
    const store = createKeychainSecretStore({ file: f, safeStorage: fakeSafeStorage(), platform: 'linux' })
    await store.set('k', 'v')
    const broken = createKeychainSecretStore({
      file: f,
      safeStorage: {
        ...fakeSafeStorage(),
        decryptStringAsync: async () => Promise.reject(new Error('decrypt failed')),
      },
      platform: 'linux',
    })
    await expect(broken.get('k')).rejects.toThrow(/decrypt failed/)
  })
})
