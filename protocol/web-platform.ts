// The few Web platform APIs protocol/ code uses (WebCrypto, TextEncoder/Decoder), typed here
// because protocol/ compiles with neither DOM nor Node types. Both Node 20 and browsers have them
// as globals; reading them through this file keeps protocol/ free of either runtime's types.

/** An opaque WebCrypto key. */
export interface WebCryptoKey {
  readonly type: string;
}

/** The part of SubtleCrypto the signaling crypto uses. */
export interface WebSubtle {
  importKey(
    format: 'raw',
    data: Uint8Array,
    algorithm: unknown,
    extractable: boolean,
    usages: string[],
  ): Promise<WebCryptoKey>;
  exportKey(format: 'raw', key: WebCryptoKey): Promise<ArrayBuffer>;
  deriveKey(
    algorithm: unknown,
    base: WebCryptoKey,
    derived: unknown,
    extractable: boolean,
    usages: string[],
  ): Promise<WebCryptoKey>;
  deriveBits(algorithm: unknown, base: WebCryptoKey, bits: number): Promise<ArrayBuffer>;
  encrypt(algorithm: unknown, key: WebCryptoKey, data: Uint8Array): Promise<ArrayBuffer>;
  decrypt(algorithm: unknown, key: WebCryptoKey, data: Uint8Array): Promise<ArrayBuffer>;
  sign(algorithm: unknown, key: WebCryptoKey, data: Uint8Array): Promise<ArrayBuffer>;
  verify(
    algorithm: unknown,
    key: WebCryptoKey,
    signature: Uint8Array,
    data: Uint8Array,
  ): Promise<boolean>;
  digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer>;
  generateKey(
    algorithm: unknown,
    extractable: boolean,
    usages: string[],
  ): Promise<{ privateKey: WebCryptoKey; publicKey: WebCryptoKey }>;
}

interface WebGlobals {
  crypto: { subtle: WebSubtle; getRandomValues<T extends Uint8Array>(array: T): T };
  TextEncoder: new () => { encode(text: string): Uint8Array };
  TextDecoder: new (
    label: string,
    options: { fatal: boolean },
  ) => { decode(bytes: ArrayBuffer | Uint8Array): string };
}

const web = globalThis as unknown as WebGlobals;

/** WebCrypto's SubtleCrypto. */
export const subtle = (): WebSubtle => web.crypto.subtle;

/** `bytes` cryptographically random bytes. */
export const randomBytes = (bytes: number): Uint8Array =>
  web.crypto.getRandomValues(new Uint8Array(bytes));

/** UTF-8 bytes of `text`. */
export const utf8 = (text: string): Uint8Array => new web.TextEncoder().encode(text);

/** Text of UTF-8 `bytes`; throws on invalid UTF-8. */
export const fromUtf8 = (bytes: ArrayBuffer | Uint8Array): string =>
  new web.TextDecoder('utf-8', { fatal: true }).decode(bytes);
