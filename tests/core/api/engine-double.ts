// A minimal in-test engine: records calls and emits events, only to prove that engine events reach
// the adapters and that the engine methods are wired. Not a sync engine.
import { createEventBus } from '../../../src/core/api';
import type { Engine, EngineAccount } from '../../../src/core/api';

export function createEngineDouble(alreadyTracked: string[] = []) {
  const bus = createEventBus();
  const tracked = new Set(alreadyTracked);
  const calls: string[] = [];
  const engine: Engine & { calls: string[]; bus: typeof bus } = {
    calls,
    bus,
    events: bus,
    async addTasks(account: EngineAccount, taskIds: string[]) {
      calls.push(`add ${account.email} ${taskIds.join(',')}`);
      const accepted = taskIds.filter((id) => !tracked.has(id));
      for (const taskId of accepted) {
        tracked.add(taskId);
        bus.emit('task.changed', {
          taskId,
          account: account.email,
          phase: 'queued',
          final: false,
          message: null,
        });
      }
      return { accepted, alreadyTracked: taskIds.filter((id) => !accepted.includes(id)) };
    },
    async retryTask(taskId) {
      calls.push(`retry ${taskId}`);
    },
    async cancelTask(taskId) {
      calls.push(`cancel ${taskId}`);
    },
    async forgetTask(taskId) {
      calls.push(`forget ${taskId}`);
    },
    async redownloadFile(relativePath) {
      calls.push(`redownload ${relativePath}`);
    },
    async syncHistory(account) {
      calls.push(`history ${account.email}`);
      bus.emit('history.progress', {
        accountId: account.accountId,
        pages: 1,
        tasksFound: 2,
        tasksAdded: 2,
        done: true,
        error: null,
      });
    },
    async whileLibraryClosed(work) {
      calls.push('library closed');
      return work();
    },
    accountsChanged() {
      calls.push('accounts changed');
    },
    settingsChanged() {
      calls.push('settings changed');
    },
    async close() {},
  };
  return engine;
}
