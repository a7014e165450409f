import type { SafeStorage } from 'electron';
import { readJsonFile, writeJsonFile } from './json-file';

/**
 * safeStorage as this app uses it. The async API (`isAsyncEncryptionAvailable`,
 * `encryptStringAsync`, `decryptStringAsync`, which also rotates keys) is used where the running
 * Electron has it; Electron 38, whose types this repo compiles against, has only the synchronous
 * API, which is then used instead. Both decrypt what the synchronous API encrypted.
 */
export type KeychainStorage = Pick<
  SafeStorage,
  'encryptString' | 'decryptString' | 'isEncryptionAvailable' | 'getSelectedStorageBackend'
> & {
  isAsyncEncryptionAvailable?(): Promise<boolean>;
  encryptStringAsync?(plainText: string): Promise<Buffer>;
  decryptStringAsync?(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
};

/** Where a Keychain keeps its secrets. */
export type KeychainMode = 'os-keychain' | 'memory-only';

/**
 * Secrets of the app (invite secrets, tokens of Jupyter servers), encrypted with the OS keychain
 * through Electron's safeStorage and stored as ciphertext in `secrets.json`. Where the keychain
 * is no real keychain (Linux with the `basic_text` backend: no keyring daemon, so the "encryption"
 * key is a constant), secrets are kept in memory only and are gone when the app quits;
 * `warning` says so in words to show a person. Secret values are never logged.
 */
export class Keychain {
  private readonly memory = new Map<string, string>();

  private constructor(
    private readonly storage: KeychainStorage,
    private readonly file: string,
    /** Where secrets go. */
    readonly mode: KeychainMode,
    /** Why secrets are not persisted, in words for the person; null when they are. */
    readonly warning: string | null,
  ) {}

  /** Opens the keychain kept in `file`. Call after the app is ready (safeStorage needs it). */
  static async open(
    storage: KeychainStorage,
    file: string,
    platform: NodeJS.Platform = process.platform,
  ): Promise<Keychain> {
    const backend = platform === 'linux' ? storage.getSelectedStorageBackend() : null;
    if (backend === 'basic_text' || backend === 'unknown') {
      const warning =
        `no system keyring was found (safeStorage backend "${backend}"), so Pairbook keeps ` +
        'secrets such as invite links in memory only: they are forgotten when the app quits — ' +
        'install and unlock GNOME Keyring or KWallet to keep them';
      return new Keychain(storage, file, 'memory-only', warning);
    }
    const available = storage.isAsyncEncryptionAvailable
      ? await storage.isAsyncEncryptionAvailable()
      : storage.isEncryptionAvailable();
    if (!available) {
      const warning =
        'the system keychain is not available, so Pairbook keeps secrets in memory only';
      return new Keychain(storage, file, 'memory-only', warning);
    }
    return new Keychain(storage, file, 'os-keychain', null);
  }

  /** The secret stored under `name`; null when there is none or it cannot be decrypted. */
  async get(name: string): Promise<string | null> {
    if (this.mode === 'memory-only') return this.memory.get(name) ?? null;
    const sealed = (await this.readAll())[name];
    if (typeof sealed !== 'string') return null;
    try {
      const { text, stale } = await this.decrypt(Buffer.from(sealed, 'base64'));
      // The OS rotated its key: store the secret again under the new one.
      if (stale) await this.set(name, text);
      return text;
    } catch (e) {
      console.warn(
        `pairbook: the stored secret "${name}" cannot be decrypted: ${(e as Error).message}`,
      );
      return null;
    }
  }

  /** Stores `secret` under `name`, replacing any earlier one. */
  async set(name: string, secret: string): Promise<void> {
    if (this.mode === 'memory-only') {
      this.memory.set(name, secret);
      return;
    }
    const sealed = (await this.encrypt(secret)).toString('base64');
    await this.update((all) => ({ ...all, [name]: sealed }));
  }

  /** Forgets the secret under `name`. */
  async delete(name: string): Promise<void> {
    if (this.mode === 'memory-only') {
      this.memory.delete(name);
      return;
    }
    await this.update(({ [name]: _gone, ...rest }) => rest);
  }

  private writing: Promise<void> = Promise.resolve();

  private update(change: (all: Record<string, string>) => Record<string, string>): Promise<void> {
    this.writing = this.writing.then(async () => {
      await writeJsonFile(this.file, { version: 1, secrets: change(await this.readAll()) });
    });
    return this.writing;
  }

  private async readAll(): Promise<Record<string, string>> {
    const stored = (await readJsonFile(this.file)) as { secrets?: unknown } | null;
    const secrets = stored?.secrets;
    return secrets && typeof secrets === 'object' ? (secrets as Record<string, string>) : {};
  }

  private async encrypt(text: string): Promise<Buffer> {
    if (this.storage.encryptStringAsync) return this.storage.encryptStringAsync(text);
    return this.storage.encryptString(text);
  }

  private async decrypt(sealed: Buffer): Promise<{ text: string; stale: boolean }> {
    if (this.storage.decryptStringAsync) {
      const out = await this.storage.decryptStringAsync(sealed);
      return { text: out.result, stale: out.shouldReEncrypt };
    }
    return { text: this.storage.decryptString(sealed), stale: false };
  }
}
