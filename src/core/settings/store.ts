// One settings interface over any conf-like backing (conf in headless mode, electron-store in the
// app): migrations on read, defaults for anything missing, a schema check on every write. A stored
// value that no longer fits the schema falls back to its default with a warning instead of a crash.
import { StoredSettingsSchema } from './schema';
import type { StoredSettings } from './schema';
import { migrateSettings, SETTINGS_MIGRATIONS } from './migrations';
import type { RawSettings, SettingsMigration } from './migrations';

/** The part of conf / electron-store this module uses. */
export interface SettingsBacking {
  store: Record<string, unknown>;
}

export interface SettingsStore {
  read(): StoredSettings;
  /** Applies `change` to the current settings, validates the result and saves it. */
  update(change: (current: StoredSettings) => StoredSettings): StoredSettings;
  /** Problems found while reading (values replaced by their defaults). */
  readonly warnings: readonly string[];
}

export interface SettingsStoreOptions {
  defaults: StoredSettings;
  migrations?: Record<number, SettingsMigration>;
}

const SECTIONS = ['polling', 'downloads', 'watching'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Defaults, overlaid field by field with what was stored; each field checked on its own. */
function overlay(defaults: StoredSettings, raw: RawSettings, warnings: string[]): StoredSettings {
  const shape = StoredSettingsSchema.shape;
  const result: Record<string, unknown> = { ...defaults };
  for (const key of Object.keys(shape) as (keyof typeof shape)[]) {
    if (!(key in raw)) continue;
    let value = raw[key];
    if ((SECTIONS as readonly string[]).includes(key) && isRecord(value)) {
      value = { ...(defaults[key as (typeof SECTIONS)[number]] as object), ...value };
    }
    const parsed = shape[key].safeParse(value);
    if (parsed.success) result[key] = parsed.data;
    else
      warnings.push(
        `settings: the stored '${key}' is not valid (${parsed.error.issues[0]?.message}); using the default`,
      );
  }
  const settings = result as StoredSettings;
  if (settings.activeAccountId && !settings.accounts.some((a) => a.id === settings.activeAccountId)) {
    settings.activeAccountId = settings.accounts[0]?.id ?? null;
  }
  return settings;
}

export function createSettingsStore(backing: SettingsBacking, options: SettingsStoreOptions): SettingsStore {
  const warnings: string[] = [];
  const migrated = migrateSettings({ ...backing.store }, options.migrations ?? SETTINGS_MIGRATIONS);
  let current = overlay(options.defaults, migrated, warnings);
  // Keep fields this version does not know (a newer minor version may have written them).
  const unknown = Object.fromEntries(
    Object.entries(migrated).filter(([k]) => !(k in StoredSettingsSchema.shape)),
  );

  function save(next: StoredSettings): void {
    backing.store = { ...unknown, ...next };
  }
  if (versionChanged(backing.store, current)) save(current);

  return {
    warnings,
    read: () => structuredClone(current),
    update(change) {
      const next = StoredSettingsSchema.parse(change(structuredClone(current)));
      save(next);
      current = next;
      return structuredClone(current);
    },
  };
}

function versionChanged(stored: Record<string, unknown>, current: StoredSettings): boolean {
  return stored['schemaVersion'] !== current.schemaVersion;
}
