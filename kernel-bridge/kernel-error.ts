import { type ErrorCode, PairbookError } from '../protocol/errors';

/** Reasons kernel-bridge fails for. */
export type KernelErrorCode = Extract<
  ErrorCode,
  | 'kernelspec-not-found'
  | 'kernel-start-failed'
  | 'kernel-dead'
  | 'kernel-restarted'
  | 'kernel-timeout'
  | 'kernel-server-error'
>;

/** A PairbookError for a kernel failure; `message` must say what to do next. */
export function kernelError(code: KernelErrorCode, message: string): PairbookError {
  return new PairbookError(code, message);
}
