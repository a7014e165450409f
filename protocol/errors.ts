/** Machine-readable reason codes carried by every PairbookError. */
export type ErrorCode =
  | 'invalid-json'
  | 'not-a-notebook'
  | 'unsupported-version'
  | 'invalid-notebook'
  | 'invalid-cell-id'
  | 'duplicate-cell-id'
  | 'too-large'
  | 'unreadable'
  | 'write-failed'
  | 'journal-corrupt'
  | 'file-changed'
  | 'cell-changed'
  | 'invalid-message'
  | 'kernelspec-not-found'
  | 'kernel-start-failed'
  | 'kernel-dead'
  | 'kernel-restarted'
  | 'kernel-timeout'
  | 'kernel-server-error'
  | 'no-kernel'
  | 'not-allowed'
  | 'invalid-invite'
  | 'invite-expired'
  | 'invite-revoked';

/**
 * An error a user can act on: `message` says what is wrong, where, and what to do next
 * ("invalid JSON at line 3, column 7: ... — fix the file or restore it from version control").
 */
export class PairbookError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PairbookError';
  }
}

/** The outcome of an operation on untrusted input: decoders return this and never throw. */
export type Result<T, E = PairbookError> = { ok: true; value: T } | { ok: false; error: E };

/** A successful Result. */
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });

/** A failed Result. */
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
