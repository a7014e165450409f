import { type ErrorCode, PairbookError } from '../protocol/errors';

/** Reasons kernel-bridge fails for. */
export type KernelErrorCode =
  | 'kernelspec-not-found'
  | 'kernel-start-failed'
  | 'kernel-dead'
  | 'kernel-restarted'
  | 'kernel-timeout'
  | 'kernel-server-error';

// protocol/errors.ts does not have kernel codes yet (requested); until it does each maps to the
// closest existing code, in this one place.
const CLOSEST: Record<KernelErrorCode, ErrorCode> = {
  'kernelspec-not-found': 'unreadable',
  'kernel-start-failed': 'unreadable',
  'kernel-dead': 'unreadable',
  'kernel-restarted': 'unreadable',
  'kernel-timeout': 'unreadable',
  'kernel-server-error': 'unreadable',
};

/** A PairbookError for a kernel failure; `message` must say what to do next. */
export function kernelError(code: KernelErrorCode, message: string): PairbookError {
  return new PairbookError(CLOSEST[code], message);
}
