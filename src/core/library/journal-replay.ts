// After a rebuild from the folder: the journal's favorites, removals and added ids applied to the
// new index, so that a rebuild keeps what only the old index knew. The folder wins where the two
// disagree: a task whose task.json is there stays, even if the journal last saw it removed.
import type { Library } from './library';
import type { JournalState } from './journal';

export interface JournalReplay {
  favorites: number;
  removed: number;
  added: number;
  /** Favorites of works no task.json describes any more (their task folder is gone). */
  favoritesLost: number;
  /** Journal lines that could not be read. */
  unreadable: number;
}

export function replayJournal(library: Library, journal: JournalState): JournalReplay {
  const replay: JournalReplay = {
    favorites: 0,
    removed: 0,
    added: 0,
    favoritesLost: 0,
    unreadable: journal.unreadable,
  };
  const setFavorite = library.db.prepare<[number, string]>('UPDATE works SET favorite = ? WHERE work_id = ?');
  const noteRemoved = library.db.prepare<[string, string | null, number]>(
    `INSERT INTO removed_tasks (task_id, account_id, removed_at)
     VALUES (?, (SELECT id FROM accounts WHERE email = ?), ?) ON CONFLICT(task_id) DO NOTHING`,
  );
  library.db.transaction(() => {
    // Unmarked ones too: a work the service lists as favored comes back marked from its task.json.
    for (const [workId, favorite] of journal.favorites) {
      const known = setFavorite.run(favorite ? 1 : 0, workId).changes > 0;
      if (favorite && known) replay.favorites += 1;
      else if (favorite) replay.favoritesLost += 1;
    }
    for (const [taskId, entry] of journal.tasks) {
      if (library.task(taskId)) continue;
      if (entry.op === 'add') {
        if (library.addPendingTask(entry.account, taskId)) replay.added += 1;
      } else {
        if (entry.account !== null) library.upsertAccount(entry.account);
        if (noteRemoved.run(taskId, entry.account, entry.at).changes > 0) replay.removed += 1;
      }
    }
  })();
  return replay;
}
