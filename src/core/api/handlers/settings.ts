import { ContractError, SettingsSchema } from '../../../shared/contract';
import type { Settings } from '../../../shared/contract';
import type { StoredSettings } from '../../settings/schema';
import { resolveApiRoot } from '../../useapi';
import type { Handlers } from '../context';
import { moveLibrary } from './move-library';

/** The UI's view: the stored settings without accounts (those have their own methods). */
export function settingsView(stored: StoredSettings): Settings {
  return SettingsSchema.parse(stored);
}

export const settingsHandlers: Pick<Handlers, 'settings.get' | 'settings.update' | 'settings.moveLibrary'> = {
  'settings.get': (_input, ctx) => settingsView(ctx.deps.settings.read()),
  'settings.update': (patch, ctx) => {
    if (patch.apiBase !== undefined) {
      // Refused here rather than saved and then refused by every request the engine makes.
      const root = resolveApiRoot(patch.apiBase);
      if (!root.ok) throw new ContractError('invalid_input', root.problem);
    }
    const next = ctx.deps.settings.update((current) => ({
      ...current,
      ...(patch.apiBase !== undefined ? { apiBase: patch.apiBase } : {}),
      ...(patch.notifications !== undefined ? { notifications: patch.notifications } : {}),
      ...(patch.weakTokenStorage !== undefined ? { weakTokenStorage: patch.weakTokenStorage } : {}),
      polling: { ...current.polling, ...stripUndefined(patch.polling) },
      downloads: { ...current.downloads, ...stripUndefined(patch.downloads) },
      watching: { ...current.watching, ...stripUndefined(patch.watching) },
    }));
    if (patch.weakTokenStorage !== undefined) ctx.deps.secrets.storageChoiceChanged?.();
    ctx.events.emit('settings.changed', {});
    ctx.deps.engine?.settingsChanged();
    return settingsView(next);
  },
  'settings.moveLibrary': ({ folder }, ctx) => moveLibrary(ctx, folder),
};

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
