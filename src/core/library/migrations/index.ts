// Every schema version in order. Add a file per version; never edit one that has shipped.
import { migration001 } from './001-tables';
import { migration002 } from './002-search';
import { migration003 } from './003-facets';
import { migration004 } from './004-file-copy';
import { migration005 } from './005-removed-tasks';
import { migration006 } from './006-stats-counters';
import { migration007 } from './007-ingest-writes-new-works';
import { migration008 } from './008-facet-longest';
import { migration009 } from './009-watch-state';
import { migration010 } from './010-task-owner-unknown';
import { migration011 } from './011-sync-state';
import { migration012 } from './012-longest-indexes';
import type { Migration } from './types';

export type { Migration } from './types';

export const MIGRATIONS: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
  migration010,
  migration011,
  migration012,
];

export const LATEST_VERSION = MIGRATIONS.length;
