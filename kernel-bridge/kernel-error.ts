import { type ErrorCode, PairbookError } from '../protocol/errors';

/** Reasons kernel-bridge fails for: the kernel codes of protocol/errors.ts. */
export type KernelErrorCode = Extract<ErrorCode, `kernel${string}`>;

/** A PairbookError for a kernel failure; `message` must say what to do next. */
export function kernelError(code: KernelErrorCode, message: string): PairbookError {
  return new PairbookError(code, message);
}
