// One line that says where an account's automatic archiving stands, for Settings.
import type { AccountWatchStatus } from '../../../shared/contract';
import { formatRelative } from './format';

export function describeWatch(
  status: AccountWatchStatus | undefined,
  paused: boolean,
  now = Date.now(),
): string {
  if (!status) return 'Automatic archiving: not running';
  if (paused) return 'Automatic archiving paused';
  if (!status.watching) return 'Not watched: new tasks are archived only when you add them';
  const parts: string[] = [];
  if (status.checking) parts.push(status.catchingUp ? 'Catching up…' : 'Checking now…');
  else if (status.lastCheckedAt !== null) parts.push(`Checked ${formatRelative(status.lastCheckedAt, now)}`);
  else parts.push('Not checked yet');
  if (!status.checking && status.nextCheckAt !== null)
    parts.push(`next ${formatRelative(Math.max(status.nextCheckAt, now), now)}`);
  parts.push(`${status.arrivedToday} new ${status.arrivedToday === 1 ? 'work' : 'works'} today`);
  if (status.lastError) parts.push(`last check failed: ${status.lastError}`);
  return parts.join(' · ');
}
