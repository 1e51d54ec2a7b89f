// Settings written by an older version are brought up to date step by step when read. Each step
// takes the raw object of version N and returns version N + 1; fields it does not know are kept.
import { SETTINGS_VERSION } from './schema';

export type RawSettings = Record<string, unknown>;
export type SettingsMigration = (raw: RawSettings) => RawSettings;

/** Index: the version a step starts from. */
export const SETTINGS_MIGRATIONS: Record<number, SettingsMigration> = {
  // Before versioning: the file may hold nothing at all, or loose top-level values. Defaults fill in
  // whatever is missing after migration, so the step only stamps the version.
  0: (raw) => ({ ...raw, schemaVersion: 1 }),
};

export class SettingsVersionError extends Error {
  constructor(readonly found: number) {
    super(
      `The settings were written by a newer version of Kling Archive (settings version ${found}; ` +
        `this version understands up to ${SETTINGS_VERSION}). Update the app; the settings were left untouched.`,
    );
    this.name = 'SettingsVersionError';
  }
}

export function versionOf(raw: RawSettings): number {
  const version = raw['schemaVersion'];
  return typeof version === 'number' && Number.isInteger(version) && version >= 0 ? version : 0;
}

export function migrateSettings(
  raw: RawSettings,
  migrations: Record<number, SettingsMigration> = SETTINGS_MIGRATIONS,
  target: number = SETTINGS_VERSION,
): RawSettings {
  let current = raw;
  let version = versionOf(current);
  if (version > target) throw new SettingsVersionError(version);
  while (version < target) {
    const step = migrations[version];
    if (!step) throw new Error(`No settings migration from version ${version}`);
    current = step(current);
    const next = versionOf(current);
    if (next !== version + 1) throw new Error(`Settings migration from ${version} produced version ${next}`);
    version = next;
  }
  return current;
}
