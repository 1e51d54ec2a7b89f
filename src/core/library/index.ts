// The local library: SQLite index + files on disk. See README.md in this folder for the layout.
export { Library, openLibrary } from './library';
export type { LibraryOptions, IngestOptions } from './library';
export type { SnapshotInput, IngestResult, IngestOutcome } from './ingest';
export { IngestError, snapshotTaskId } from './ingest';
export type { CreateFilesOptions, FileRow, PlannedFile } from './files';
export type { PollUpdate, TaskStateUpdate, TaskRow } from './tasks';
export type { TaskMove } from './task-accounts';
export { LibraryVersionError, LATEST_VERSION } from './database';
export { CursorError } from './cursor';
export { UnsafePathError, resolveInside, sanitizeSegment, taskFolder } from './paths';
export { rebuildIndex } from './rebuild';
export type { RebuildReport } from './rebuild';
export { verifyLibrary } from './verify';
export type { VerifyReport } from './verify';
export { hashFile } from './hash';
