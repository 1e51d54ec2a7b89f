// What the handlers need from an open library (src/core/library). Kept to the calls the contract makes
// so the library can grow without touching the adapters.
import type {
  Facets,
  GalleryCounts,
  GalleryCountsQuery,
  GalleryPage,
  GalleryQuery,
  GallerySeek,
  LibraryStats,
  TaskListPage,
  TaskListQuery,
  WorkDetail,
} from '../../../shared/domain/library';
import type { MethodOutput } from '../../../shared/contract';

export interface LibraryPort {
  gallery(query: GalleryQuery): GalleryPage;
  gallerySeek(query: Omit<GalleryQuery, 'cursor' | 'limit'>, position: number): GallerySeek;
  galleryCounts(query: GalleryCountsQuery): GalleryCounts;
  work(workId: string): WorkDetail | null;
  facets(): Facets;
  stats(): LibraryStats;
  tasks(query: TaskListQuery): TaskListPage;
  /** False when the work is unknown. */
  setFavorite(workId: string, favorite: boolean): boolean;
  /** Deletes the task's files and index rows; null when the task is unknown. */
  removeTask(taskId: string): Promise<{ removedFiles: number } | null>;
  verify(): Promise<MethodOutput<'library.verify'>>;
  close(): void;
}

/** Opens the library in a folder (creating it when new). */
export type OpenLibrary = (folder: string) => LibraryPort | Promise<LibraryPort>;
/** Rebuilds the index of a (closed) library folder from its sidecars. */
export type RebuildLibrary = (folder: string) => Promise<MethodOutput<'library.rebuild'>>;
/**
 * Sets a damaged index aside and rebuilds it from the folder (the library closed); answers the one
 * line that tells the user what happened and what was lost.
 */
export type HealLibrary = (folder: string, cause: string) => Promise<string>;
