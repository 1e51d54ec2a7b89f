// OS notifications when a task finishes or fails (if the user keeps them on in Settings).
import { Notification } from 'electron';
import type { Api } from '../core/api';
import type { SettingsStore } from '../core/settings';

export function notifyOnTaskEnd(api: Api, settings: SettingsStore): () => void {
  return api.events.subscribe((event) => {
    if (event.name !== 'task.changed' || !event.payload.final) return;
    if (!settings.read().notifications || !Notification.isSupported()) return;
    const { taskId, phase, message } = event.payload;
    const title = phase === 'succeeded' ? 'Generation archived' : 'Generation failed';
    new Notification({ title, body: message ?? `Task ${taskId}`, silent: phase === 'succeeded' }).show();
  });
}
