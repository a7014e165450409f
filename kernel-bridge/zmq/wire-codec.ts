import { createHmac, timingSafeEqual } from 'node:crypto';
import { PairbookError, type Result, err, ok } from '../../protocol/errors';
import type { Channel, JupyterMessage } from '../messages';

/** The frame separating ZeroMQ routing identities from the signed message. */
export const DELIMITER = Buffer.from('<IDS|MSG>');

/**
 * Signs and checks messages with HMAC-SHA256 over the four JSON frames (header, parent header,
 * metadata, content), as the connection file's `signature_scheme: hmac-sha256` asks.
 */
export class MessageSigner {
  private readonly key: Buffer;

  /** `key` is the connection file's key; an empty key disables signing, as in Jupyter. */
  constructor(key: string) {
    this.key = Buffer.from(key, 'utf8');
  }

  /** The hex signature of `frames`. */
  sign(frames: readonly Buffer[]): string {
    if (this.key.length === 0) return '';
    const hmac = createHmac('sha256', this.key);
    for (const f of frames) hmac.update(f);
    return hmac.digest('hex');
  }

  /** Whether `signature` is the signature of `frames`, in constant time. */
  verify(signature: Buffer, frames: readonly Buffer[]): boolean {
    if (this.key.length === 0) return true;
    const expected = Buffer.from(this.sign(frames), 'utf8');
    return signature.length === expected.length && timingSafeEqual(signature, expected);
  }
}

/** The frames of `msg` (without routing identities), signed. */
export function encodeMessage(
  msg: Omit<JupyterMessage<unknown>, 'channel'>,
  signer: MessageSigner,
): Buffer[] {
  const json = [msg.header, msg.parent_header, msg.metadata, msg.content].map((part) =>
    Buffer.from(JSON.stringify(part), 'utf8'),
  );
  return [
    DELIMITER,
    Buffer.from(signer.sign(json), 'utf8'),
    ...json,
    ...msg.buffers.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)),
  ];
}

/**
 * Reads the frames of one received message. Never throws: a malformed or badly signed message is
 * an error Result, which the caller drops and logs.
 */
export function decodeMessage(
  frames: readonly Buffer[],
  signer: MessageSigner,
  channel: Channel,
): Result<JupyterMessage> {
  const at = frames.findIndex((f) => f.equals(DELIMITER));
  if (at < 0 || frames.length < at + 6)
    return err(bad(`a ${channel} message without the Jupyter delimiter and five frames`));
  const signature = frames[at + 1]!;
  const json = frames.slice(at + 2, at + 6);
  if (!signer.verify(signature, json))
    return err(bad(`a ${channel} message with a wrong signature`));
  try {
    const [header, parent_header, metadata, content] = json.map((f) => JSON.parse(f.toString()));
    if (!header || typeof header.msg_type !== 'string')
      return err(bad(`a ${channel} message without a header`));
    return ok({
      header,
      parent_header: parent_header ?? {},
      metadata: metadata ?? {},
      content: content ?? {},
      buffers: frames.slice(at + 6).map((b) => new Uint8Array(b)),
      channel,
    });
  } catch (e) {
    return err(bad(`a ${channel} message that is not JSON (${(e as Error).message})`));
  }
}

function bad(what: string): PairbookError {
  return new PairbookError(
    'invalid-message',
    `dropped ${what} — the kernel or a process on its ports misbehaves; restart the kernel if outputs look wrong`,
  );
}
