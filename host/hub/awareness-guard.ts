// Awareness (presence) from a guest is rendered by everyone, so it is validated and rebuilt
// here, field by field, before the session sees it: only the guest's own client ids, a name of
// sensible length, a colour in #rrggbb(aa) form, a cursor that is two relative positions, and
// the role and peer id the hub gave it (never the ones it claims).
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { PairbookError, type Result, err, ok } from '../../protocol/errors';
import type { Role } from '../../protocol/roles';
import { cleanName } from '../../protocol/signaling-messages';

/** Longest awareness state accepted, as JSON characters. */
export const MAX_AWARENESS_STATE_CHARS = 4096;
/** Most client ids in one awareness update from a guest. */
export const MAX_AWARENESS_CLIENTS = 4;

const COLOUR = /^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/;
const CELL_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Reads a guest's awareness update and writes a clean one; an error when none of it is acceptable. */
export function sanitizeAwarenessUpdate(
  update: Uint8Array,
  guest: { role: Role; peerId: string; owns(client: number): boolean },
): Result<{ update: Uint8Array; clients: number[] }> {
  const bad = (why: string) => err(new PairbookError('invalid-message', why));
  const entries: { client: number; clock: number; state: unknown }[] = [];
  try {
    const d = decoding.createDecoder(update);
    const n = decoding.readVarUint(d);
    if (n === 0 || n > MAX_AWARENESS_CLIENTS) return bad(`${n} awareness states in one update`);
    for (let i = 0; i < n; i++) {
      const client = decoding.readVarUint(d);
      const clock = decoding.readVarUint(d);
      const text = decoding.readVarString(d);
      if (text.length > MAX_AWARENESS_STATE_CHARS) return bad('awareness state too long');
      entries.push({ client, clock, state: JSON.parse(text) });
    }
  } catch (e) {
    return bad(`unreadable awareness update: ${(e as Error).message}`);
  }
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, entries.length);
  for (const { client, clock, state } of entries) {
    if (!guest.owns(client)) return bad(`awareness of client ${client} belongs to someone else`);
    encoding.writeVarUint(enc, client);
    encoding.writeVarUint(enc, clock);
    encoding.writeVarString(enc, JSON.stringify(cleanState(state, guest.role, guest.peerId)));
  }
  return ok({ update: encoding.toUint8Array(enc), clients: entries.map((e) => e.client) });
}

/** The accepted fields of one state; null (the guest left) stays null. */
function cleanState(state: unknown, role: Role, peerId: string): Record<string, unknown> | null {
  if (state === null || typeof state !== 'object' || Array.isArray(state)) return null;
  const s = state as Record<string, unknown>;
  const out: Record<string, unknown> = { role, peer: peerId };
  if (typeof s.user === 'object' && s.user !== null) {
    const u = s.user as Record<string, unknown>;
    const user: Record<string, string> = {
      name: cleanName(typeof u.name === 'string' ? u.name : ''),
    };
    if (typeof u.color === 'string' && COLOUR.test(u.color)) user.color = u.color;
    if (typeof u.colorLight === 'string' && COLOUR.test(u.colorLight)) {
      user.colorLight = u.colorLight;
    }
    out.user = user;
  }
  if (s.cursor === null) out.cursor = null;
  else if (isCursor(s.cursor)) out.cursor = s.cursor;
  if (s.activeCell === null || (typeof s.activeCell === 'string' && CELL_ID.test(s.activeCell))) {
    out.activeCell = s.activeCell;
  }
  return out;
}

function isCursor(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    Object.keys(c).every((k) => k === 'anchor' || k === 'head') &&
    isRelPos(c.anchor) &&
    isRelPos(c.head)
  );
}

// Y.RelativePosition as JSON: {type?, tname?, item?, assoc?}.
function isRelPos(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const isId = (v: unknown) =>
    v === null ||
    v === undefined ||
    (typeof v === 'object' &&
      Object.keys(v as object).every((k) => k === 'client' || k === 'clock') &&
      Number.isSafeInteger((v as { client: unknown }).client) &&
      Number.isSafeInteger((v as { clock: unknown }).clock));
  const p = value as Record<string, unknown>;
  return (
    Object.keys(p).every((k) => ['type', 'tname', 'item', 'assoc'].includes(k)) &&
    isId(p.type) &&
    isId(p.item) &&
    (p.tname === undefined ||
      p.tname === null ||
      (typeof p.tname === 'string' && p.tname.length <= 64)) &&
    (p.assoc === undefined || Number.isSafeInteger(p.assoc))
  );
}
