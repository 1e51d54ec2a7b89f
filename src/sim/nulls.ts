// Answers the way real services send them: `null` for every empty optional field (even where the
// reference page shows a number, a string or an object), fields nobody documented, and keys in an
// order of their own. Switched on with the simulator's `nulls` option (`--nulls`), so that the
// client, the engine, the CLI and the demo all read such answers.
import { RawNumber } from './json-writer';

/** Optional fields a real answer leaves null; everything the archive needs keeps its value. */
const NULLED_KEYS = new Set([
  'message',
  'scene',
  'viewed',
  'viewTime',
  'updateTime',
  'favored',
  'deleted',
  'extraArgs',
  'callbackPayloads',
  'token',
  'blobStorage',
  'fromWorkId',
  'fromUploadId',
  'resourceKey',
  'starNum',
  'cloneCount',
  'reportNum',
  'selfAttitude',
  'selfComment',
  'starred',
  'publishStatus',
  'publishTime',
  'submitTime',
  'lipSyncStatus',
  'downloadInfo',
  'allowPublish',
  'workItemId',
]);

/**
 * The ETA fields are null when they say nothing (0 once a task is final), and keep a running task's
 * estimate, which the Tasks view shows (a task that announces none answers null: TaskSpec.etaUnknown).
 */
const NULLED_WHEN_EMPTY = new Set([
  'etaTime',
  'etaTimeOverSla',
  'queuingEtaTime',
  'originEtaTime',
  'originQueuingEtaTime',
]);

const isEmpty = (value: unknown) => value === 0 || value === false || value === null;

/** The tree with the optional fields null, an unknown field or two in every object, keys reversed. */
export function withNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withNulls);
  if (value === null || typeof value !== 'object' || value instanceof RawNumber) return value;
  const entries = Object.entries(value as Record<string, unknown>).map(([key, member]) => [
    key,
    NULLED_KEYS.has(key) || (NULLED_WHEN_EMPTY.has(key) && isEmpty(member)) ? null : withNulls(member),
  ]);
  entries.push(['undocumentedField', null], ['futureFeature', { enabled: null, levels: [1, null] }]);
  return Object.fromEntries(entries.reverse());
}
