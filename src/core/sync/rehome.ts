// A history page is the owner's word: every task an account's history lists is that account's. A
// listed task the library files under another account (added under the wrong one, or by an older
// version that filed ids under the active account) is moved to its owner before the page is
// ingested: its folder on disk, its rows, and, when watermark-free copies are wanted, its media
// fetched again with the owner's email (the request made with the wrong email could not get them).
import type { Library, SnapshotInput } from '../library';
import { snapshotTaskId } from '../library';

export interface RehomePort {
  library: Library;
  /**
   * Runs `move` with no download of the task under way and none starting (a download writes to the
   * path it started with, and the folder is about to move).
   */
  withDownloadsStopped(taskId: string, move: () => void): Promise<void>;
  /** The settings ask for watermark-free copies. */
  watermarkFree(): boolean;
  now(): number;
  /** The task moved (the UI shows it under its owner). */
  moved(taskId: string): void;
}

/** The tasks of these entries that the library files under an account other than `email`. */
export function tasksFiledElsewhere(
  library: Library,
  email: string,
  inputs: readonly SnapshotInput[],
): string[] {
  const elsewhere: string[] = [];
  for (const input of inputs) {
    const taskId = snapshotTaskId(input.snapshot);
    if (!taskId) continue;
    const filedUnder = library.taskAccounts.accountOf(taskId);
    if (filedUnder !== null && filedUnder !== email) elsewhere.push(taskId);
  }
  return elsewhere;
}

/** Moves the listed tasks filed under another account to `email`; answers the ids moved. */
export async function rehomeListedTasks(
  port: RehomePort,
  email: string,
  inputs: readonly SnapshotInput[],
): Promise<string[]> {
  const moved: string[] = [];
  for (const taskId of tasksFiledElsewhere(port.library, email, inputs)) {
    await port.withDownloadsStopped(taskId, () => {
      port.library.moveTaskToAccount(taskId, email);
      port.library.taskAccounts.markOwnerKnown(taskId);
      if (port.watermarkFree()) port.library.taskAccounts.requeueForCleanCopies(taskId, port.now());
    });
    moved.push(taskId);
    port.moved(taskId);
  }
  return moved;
}
