import { userInfo } from 'node:os';

/**
 * The host's display name, shown as "run by" for the host's own windows: `$PAIRBOOK_USER_NAME`
 * when set, else the OS user name, else "Host".
 */
export function hostUserName(): string {
  const chosen = process.env.PAIRBOOK_USER_NAME?.trim();
  if (chosen) return chosen;
  try {
    return userInfo().username || 'Host';
  } catch {
    return 'Host'; // no passwd entry for this uid (some containers)
  }
}
