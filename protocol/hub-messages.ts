// The messages a client and the host exchange over a Transport. Every message starts with a
// varuint tag; sync and awareness bodies are y-protocols' own (as y-websocket frames them);
// requests and notices are one JSON string. See docs/protocol.md for the grammar.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { PairbookError, type Result, err, ok } from './errors';
import { isSourceDigest } from './source-digest';
import {
  type TimelineRequest,
  type TimelineResult,
  decodeTimelineRequest,
  timelineResultOf,
} from './timeline-messages';

/** Message tags. */
export const Tag = {
  /** y-protocols sync: step 1, step 2 or update. */
  Sync: 0,
  /** y-protocols awareness update. */
  Awareness: 1,
  /** Client → host: a ClientRequest as JSON. */
  Request: 2,
  /** Host → client: a HostNotice as JSON. */
  Notice: 3,
} as const;
/** A message tag. */
export type Tag = (typeof Tag)[keyof typeof Tag];

/** What a client asks the host to do. `id` pairs the request with its reply notice. */
export type ClientRequest =
  /**
   * Runs cells, in order. `digests[i]` is sourceDigest() of the source of `cellIds[i]` as the
   * sender's replica held it ('' when it had no such cell): the host runs exactly that code, or
   * refuses with code 'cell-changed'. HubClient fills it in; the host refuses a run without it.
   */
  | { id: number; type: 'run'; cellIds: string[]; digests?: string[] }
  | { id: number; type: 'interrupt' }
  | { id: number; type: 'restart' }
  /** Writes the document to its file; `force` overwrites a file that changed on disk (host only). */
  | { id: number; type: 'save'; force?: boolean }
  /** Replaces the document with the file as it is on disk now, for everyone (host only). */
  | { id: number; type: 'reload' }
  /** Shuts the kernel down and starts kernelspec `name` instead (roles that may run). */
  | { id: number; type: 'change-kernel'; name: string }
  /**
   * Takes the kernels from the Jupyter server at `url` (its link; the token in it or in `token`),
   * or from the host's machine when `url` is null, and starts the notebook's kernel there (host
   * only).
   */
  | { id: number; type: 'kernel-server'; url: string | null; token: string }
  | { id: number; type: 'input-reply'; inputId: string; value: string }
  /**
   * What the kernel could complete at `cursor` (in UTF-16 units, as the editor counts) of `code`,
   * the source the requester sees; the reply carries `completions` for the requester alone.
   */
  | { id: number; type: 'complete'; code: string; cursor: number }
  /** What the kernel knows of the name at `cursor` (signature, docstring): `inspection`. */
  | { id: number; type: 'inspect'; code: string; cursor: number; detail: 0 | 1 }
  /** The timeline's requests (timeline-messages.ts, docs/timeline.md). */
  | ({ id: number } & TimelineRequest);

/** What a completion, inspection (positions in UTF-16 units) or timeline reply carries. */
export type RequestResult =
  | { kind: 'completions'; matches: string[]; from: number; to: number }
  | { kind: 'inspection'; found: boolean; text: string }
  | TimelineResult;

/** What the host tells one client. */
export type HostNotice =
  /**
   * The outcome of request `id`; `message` says why when it was refused or failed, and `code`
   * is the machine-readable reason (an ErrorCode such as 'file-changed' or 'not-allowed').
   */
  | {
      type: 'reply';
      id: number;
      ok: boolean;
      message?: string;
      code?: string;
      result?: RequestResult;
    }
  /** The kernel asks the person who ran the cell for input (`input()`, `getpass()`). */
  | { type: 'input-request'; inputId: string; cellId: string; prompt: string; password: boolean }
  /**
   * Something the person should read: a save failed, a role changed, an update was dropped.
   * `code` is set when the app can act on it (e.g. 'file-changed': autosave found the file
   * changed on disk, and the host chooses what to do).
   */
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; message: string; code?: string };

/**
 * Longest JSON body of a request or notice accepted: room for a run of MAX_RUN_CELLS cells with
 * the longest ids and their digests (about 0.9 MiB).
 */
export const MAX_JSON_MESSAGE_CHARS = 1024 * 1024;
/** Most cells one run request may name. */
export const MAX_RUN_CELLS = 10_000;
/** Longest Jupyter server address, and token, a kernel-server request may carry. */
export const MAX_SERVER_ADDRESS_CHARS = 2048;
/** Longest kernelspec name a change-kernel request may carry. */
export const MAX_KERNEL_NAME_CHARS = 128;

/**
 * True when `name` can be a kernelspec name: Jupyter's own rule (letters, digits, `.`, `_`, `-`),
 * at most MAX_KERNEL_NAME_CHARS long.
 */
export function isKernelName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    name.length <= MAX_KERNEL_NAME_CHARS &&
    /^[A-Za-z0-9._-]+$/.test(name)
  );
}

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
    if (tag !== Tag.Sync && tag !== Tag.Awareness && tag !== Tag.Request && tag !== Tag.Notice) {
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

/**
 * A sync message of y-protocols `type` (step 2, or an update) carrying the Yjs `update`: the
 * same bytes y-protocols' writeSyncStep2 and writeUpdate make. The update is copied once, into
 * a message of its exact size that owns its whole buffer (so it can be transferred), not into an
 * encoder's buffers and then out again (which, for a 20 MB document, held three copies).
 */
export function syncMessage(type: number, update: Uint8Array): Uint8Array {
  const head = encodeHubMessage(Tag.Sync);
  encoding.writeVarUint(head, type);
  encoding.writeVarUint(head, update.length);
  const headBytes = encoding.toUint8Array(head);
  const message = new Uint8Array(headBytes.length + update.length);
  message.set(headBytes);
  message.set(update, headBytes.length);
  return message;
}

/** Encodes a request for the host. */
export function encodeRequest(request: ClientRequest): Uint8Array {
  const enc = encodeHubMessage(Tag.Request);
  encoding.writeVarString(enc, JSON.stringify(request));
  return encoding.toUint8Array(enc);
}

/** Encodes a notice for a client. */
export function encodeNotice(notice: HostNotice): Uint8Array {
  const enc = encodeHubMessage(Tag.Notice);
  encoding.writeVarString(enc, JSON.stringify(notice));
  return encoding.toUint8Array(enc);
}

/** Reads and validates a request body (untrusted: checks every field's type and size). */
export function decodeRequest(body: decoding.Decoder): Result<ClientRequest> {
  const bad = (why: string) => err(new PairbookError('invalid-message', `bad request: ${why}`));
  let value: unknown;
  try {
    const text = decoding.readVarString(body);
    if (text.length > MAX_JSON_MESSAGE_CHARS) return bad('too long');
    value = JSON.parse(text);
  } catch {
    return bad('not JSON');
  }
  if (typeof value !== 'object' || value === null) return bad('not an object');
  const r = value as Record<string, unknown>;
  if (typeof r.id !== 'number' || !Number.isSafeInteger(r.id)) return bad('no numeric id');
  const id = r.id;
  switch (r.type) {
    case 'run':
      if (
        !Array.isArray(r.cellIds) ||
        r.cellIds.length === 0 ||
        r.cellIds.length > MAX_RUN_CELLS ||
        !r.cellIds.every((c) => typeof c === 'string' && c.length <= 64)
      ) {
        return bad('run needs cellIds, a non-empty list of cell ids');
      }
      if (r.digests === undefined) return ok({ id, type: 'run', cellIds: r.cellIds as string[] });
      if (
        !Array.isArray(r.digests) ||
        r.digests.length !== r.cellIds.length ||
        !r.digests.every((d) => d === '' || isSourceDigest(d))
      ) {
        return bad('run digests must be one source digest (or "") per cell id');
      }
      return ok({
        id,
        type: 'run',
        cellIds: r.cellIds as string[],
        digests: r.digests as string[],
      });
    case 'interrupt':
    case 'restart':
    case 'reload':
      return ok({ id, type: r.type });
    case 'save':
      if (r.force === undefined) return ok({ id, type: 'save' });
      if (typeof r.force !== 'boolean') return bad('save force must be true or false');
      return ok({ id, type: 'save', force: r.force });
    case 'change-kernel':
      if (!isKernelName(r.name)) {
        return bad(
          `change-kernel needs name, a kernelspec name of letters, digits, ".", "_" or "-" ` +
            `(at most ${MAX_KERNEL_NAME_CHARS})`,
        );
      }
      return ok({ id, type: 'change-kernel', name: r.name });
    case 'kernel-server':
      if (
        !(
          r.url === null ||
          (typeof r.url === 'string' && r.url.length <= MAX_SERVER_ADDRESS_CHARS)
        ) ||
        typeof r.token !== 'string' ||
        r.token.length > MAX_SERVER_ADDRESS_CHARS
      ) {
        return bad(
          `kernel-server needs url (a string, or null) and token (a string), each at most ` +
            `${MAX_SERVER_ADDRESS_CHARS} characters`,
        );
      }
      return ok({ id, type: 'kernel-server', url: r.url, token: r.token });
    case 'input-reply':
      if (typeof r.inputId !== 'string' || typeof r.value !== 'string') {
        return bad('input-reply needs inputId and value strings');
      }
      return ok({ id, type: 'input-reply', inputId: r.inputId, value: r.value });
    case 'complete':
    case 'inspect':
      return decodeCodeQuery(id, r, bad);
    case 'timeline-steps':
    case 'timeline-view':
    case 'timeline-diff':
    case 'timeline-blame':
    case 'timeline-restore':
    case 'timeline-clear':
      return decodeTimelineRequest(id, r, bad);
    default:
      return bad(`unknown type ${JSON.stringify(r.type)}`);
  }
}

/** `value` if it is a well-formed RequestResult (what a reply carries is checked before use). */
export function requestResultOf(value: unknown): RequestResult | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  const position = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0;
  if (
    r.kind === 'completions' &&
    Array.isArray(r.matches) &&
    r.matches.every((m) => typeof m === 'string') &&
    position(r.from) &&
    position(r.to) &&
    (r.to as number) >= (r.from as number)
  ) {
    return { kind: 'completions', matches: r.matches, from: r.from as number, to: r.to as number };
  }
  if (r.kind === 'inspection' && typeof r.found === 'boolean' && typeof r.text === 'string') {
    return { kind: 'inspection', found: r.found, text: r.text };
  }
  return timelineResultOf(value);
}

/** Longest source a completion or inspection request may carry (a cell, as its sender sees it). */
export const MAX_QUERY_CODE_CHARS = 256 * 1024;

function decodeCodeQuery(
  id: number,
  r: Record<string, unknown>,
  bad: (why: string) => Result<ClientRequest>,
): Result<ClientRequest> {
  const { code, cursor } = r;
  if (
    typeof code !== 'string' ||
    code.length > MAX_QUERY_CODE_CHARS ||
    typeof cursor !== 'number' ||
    !Number.isInteger(cursor) ||
    cursor < 0 ||
    cursor > code.length
  ) {
    return bad(
      `${String(r.type)} needs code (at most ${MAX_QUERY_CODE_CHARS} characters) and cursor, ` +
        'a position in it',
    );
  }
  if (r.type === 'complete') return ok({ id, type: 'complete', code, cursor });
  if (r.detail !== 0 && r.detail !== 1) return bad('inspect detail must be 0 or 1');
  return ok({ id, type: 'inspect', code, cursor, detail: r.detail });
}

/** Reads a notice body from the host. The host is trusted for content, not for shape. */
export function decodeNotice(body: decoding.Decoder): Result<HostNotice> {
  try {
    const value = JSON.parse(decoding.readVarString(body)) as HostNotice;
    if (typeof value !== 'object' || value === null || typeof value.type !== 'string') {
      return err(new PairbookError('invalid-message', 'bad notice: no type'));
    }
    return ok(value);
  } catch (e) {
    return err(new PairbookError('invalid-message', `bad notice: ${(e as Error).message}`));
  }
}
