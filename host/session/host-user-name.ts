import { userInfo } from 'node:os';

/** The host's user name, shown as "run by" for the host's own windows; "Host" where the OS will not say. */
export function hostUserName(): string {
  try {
    return userInfo().username || 'Host';
  } catch {
    return 'Host'; // no passwd entry for this uid (some containers)
  }
}
