// The ETA the task list shows: read from each answer at ingest into a column of a real SQLite file,
// measured on the service's clock and placed on ours; absent (null) when the answer gives none or the
// task is final.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary } from '../../../src/core/library';
import type { Library } from '../../../src/core/library';
import { ACCOUNT, tempFolder } from './helpers';
import { parseSnapshot, snapshotText } from './fixtures/snapshots';
import type { SnapshotSpec } from './fixtures/snapshots';

let dir: string;
let cleanup: () => void;
let library: Library;
let clock = 1_800_000_000_000;
beforeEach(() => {
  ({ dir, cleanup } = tempFolder());
  clock = 1_800_000_000_000;
  library = openLibrary(dir, { now: () => clock });
});
afterEach(() => {
  library.close();
  cleanup();
});

/** An answer with its ETA fields as given (raw JSON values), the service's clock at `serviceNow`. */
function answer(spec: SnapshotSpec, eta: { etaTime: string; serviceNow: number }) {
  const raw = snapshotText(spec)
    .replace('"etaTime":0', `"etaTime":${eta.etaTime}`)
    .replace(/"currentTimestamp":\d+/, `"currentTimestamp":${eta.serviceNow}`);
  return { account: ACCOUNT, raw, snapshot: parseSnapshot(raw) };
}

const etaOf = (taskId: string) => library.taskList({}).items.find((task) => task.taskId === taskId)?.etaAt;

describe('the ETA of a task in the list', () => {
  it('is when the service expects it to finish, on this machine’s clock, from the answer read', () => {
    // The service's clock runs 40 s behind ours; it expects the task in 2 minutes.
    const serviceNow = clock - 40_000;
    library.ingest(
      answer({ taskId: '7400000001', status: 10 }, { etaTime: String(serviceNow + 120_000), serviceNow }),
    );
    expect(etaOf('7400000001')).toBe(clock + 120_000);
    const stored = library.db.prepare('SELECT eta_at FROM tasks WHERE task_id = ?').get('7400000001');
    expect(stored).toEqual({ eta_at: clock + 120_000 });
  });

  it('is null when the answer says null, and a later answer with an ETA fills it', () => {
    library.ingest(
      answer(
        { taskId: '7400000002', status: 5, updateTime: clock - 5_000 },
        { etaTime: 'null', serviceNow: clock },
      ),
    );
    expect(etaOf('7400000002')).toBeNull();
    clock += 10_000;
    library.ingest(
      answer(
        { taskId: '7400000002', status: 10, updateTime: clock - 1_000 },
        { etaTime: String(clock + 90_000), serviceNow: clock },
      ),
    );
    expect(etaOf('7400000002')).toBe(clock + 90_000);
  });

  it('is gone once the task is final', () => {
    library.ingest(
      answer(
        { taskId: '7400000003', status: 10, updateTime: clock - 5_000 },
        { etaTime: String(clock + 60_000), serviceNow: clock },
      ),
    );
    expect(etaOf('7400000003')).toBe(clock + 60_000);
    library.ingest(
      answer(
        { taskId: '7400000003', status: 99, updateTime: clock },
        { etaTime: String(clock + 60_000), serviceNow: clock },
      ),
    );
    expect(etaOf('7400000003')).toBeNull();
  });
});
