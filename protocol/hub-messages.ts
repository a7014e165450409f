// The messages a client and the host exchange over a Transport. Every message starts with a
// varuint tag; sync and awareness bodies are y-protocols' own (as y-websocket frames them).
// See docs/protocol.md for the grammar.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { PairbookError, type Result, err, ok } from './errors';

/** Message tags. */
export const Tag = {
  /** y-protocols sync: step 1, step 2 or update. */
  Sync: 0,
  /** y-protocols awareness update. */
  Awareness: 1,
} as const;
/** A message tag. */
export type Tag = (typeof Tag)[keyof typeof Tag];

/** A decoded message: its tag and a decoder positioned at its body. */
export interface HubMessage {
  tag: Tag;
  body: decoding.Decoder;
}

/** Reads a message's tag. Never throws: bad bytes give an error naming what was wrong. */
export function decodeHubMessage(bytes: Uint8Array): Result<HubMessage> {
  try {
    const body = decoding.createDecoder(bytes);
    const tag = decoding.readVarUint(body);
    if (tag !== Tag.Sync && tag !== Tag.Awareness) {
      return err(new PairbookError('invalid-message', `unknown message tag ${tag}`));
    }
    return ok({ tag, body });
  } catch (e) {
    return err(new PairbookError('invalid-message', `unreadable message: ${(e as Error).message}`));
  }
}

/** Starts a message with `tag`; write its body into the returned encoder. */
export function encodeHubMessage(tag: Tag): encoding.Encoder {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, tag);
  return enc;
}
