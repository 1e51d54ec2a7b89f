// OS notifications when a task finishes or fails (if the user keeps them on in Settings). Only for
// tasks seen running first: tasks that arrive already finished (a history sync, the watcher's
// catch-up) are announced grouped by the tray ("5 new works archived for …"), not one by one.
import { Notification } from 'electron';
import type { Api } from '../core/api';
import type { SettingsStore } from '../core/settings';

export function notifyOnTaskEnd(api: Api, settings: SettingsStore): () => void {
  const running = new Set<string>();
  return api.events.subscribe((event) => {
    if (event.name !== 'task.changed') return;
    const { taskId, phase, message, final } = event.payload;
    if (!final) {
      running.add(taskId);
      return;
    }
    if (!running.delete(taskId)) return;
    if (!settings.read().notifications || !Notification.isSupported()) return;
    const title = phase === 'succeeded' ? 'Generation archived' : 'Generation failed';
    new Notification({ title, body: message ?? `Task ${taskId}`, silent: phase === 'succeeded' }).show();
  });
}
