// What the handlers and the sync engine need from the library (src/core/library): the process's one
// `Library`, opened by the composition root's handle and shared by both, so there is one connection
// to the index and one record of what its writes changed (the gallery's text search relies on it).
import type { MethodOutput } from '../../../shared/contract';
import type { Library } from '../../library';

/** The library's own methods the handlers call, as they are (no copy to keep in step). */
export type LibraryPort = Pick<
  Library,
  | 'gallery'
  | 'gallerySeek'
  | 'galleryCounts'
  | 'workDetail'
  | 'facets'
  | 'stats'
  | 'taskList'
  | 'setFavorite'
  | 'removeTask'
>;

/**
 * The process's one library, in the folder the settings name (it can move while running). Opened on
 * first use; closed to move or rebuild it, after which the next use opens it again.
 */
export interface LibraryHandle {
  /** The open library; throws ContractError('unavailable') when it cannot be opened. */
  open(): Library;
  /** Closes it (twice is harmless); the next `open` opens the folder the settings name then. */
  close(): void;
  /** Told, after the statement, when the library meets a damaged index; answers an unsubscribe. */
  onDamaged(listener: (error: Error) => void): () => void;
  /** Re-hashes every downloaded file (see core/library/verify.ts). */
  verify(): Promise<MethodOutput<'library.verify'>>;
  /** Closes the library and rebuilds its index from the folder's sidecars. */
  rebuild(): Promise<MethodOutput<'library.rebuild'>>;
  /**
   * Closes the library, sets the damaged index aside and rebuilds it from the folder; answers the
   * one line that tells the user what happened and what was lost.
   */
  heal(cause: string): Promise<string>;
}
