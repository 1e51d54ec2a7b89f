// Browsing and keeping the library: gallery (with `text`, the search), detail, facets, statistics, favorites, removal,
// verify and rebuild. The shapes themselves are the library's (src/shared/domain/library.ts).
import { z } from 'zod';
import {
  FacetsSchema,
  GalleryCountsQuerySchema,
  GalleryCountsSchema,
  GalleryPageSchema,
  GalleryQuerySchema,
  GallerySeekSchema,
  LibraryStatsSchema,
  WorkDetailSchema,
} from '../domain/library';
import { IdSchema, LibraryPathSchema, NoInputSchema, OkSchema } from './common';

/** The gallery's account filter: an email, or every account. Omitted: the active account. */
export const AccountFilterSchema = z.union([z.literal('all'), z.string().min(1).max(320)]);

export const LibraryGalleryInputSchema = GalleryQuerySchema.extend({
  account: AccountFilterSchema.optional(),
}).strict();

/** A jump to `position` (0-based) of a gallery query's order: answers the cursor of the page there. */
export const LibraryGallerySeekInputSchema = LibraryGalleryInputSchema.omit({
  cursor: true,
  limit: true,
})
  .extend({
    position: z.number().int().min(0).max(1_000_000_000),
  })
  .strict();

/** Every downloaded file checked against its recorded size and SHA-256. */
export const VerifyReportSchema = z.object({
  checked: z.number().int(),
  ok: z.number().int(),
  missing: z.array(LibraryPathSchema),
  corrupt: z.array(LibraryPathSchema),
});

/** The index rebuilt from the task.json sidecars in the folder. */
export const RebuildReportSchema = z.object({
  tasks: z.number().int(),
  works: z.number().int(),
  filesPresent: z.number().int(),
  filesAbsent: z.number().int(),
  problems: z.array(z.object({ path: z.string(), problem: z.string() })),
  /** Where the previous index was moved, if there was one. */
  previousIndex: z.string().nullable(),
});

export const libraryMethods = {
  'library.gallery': { input: LibraryGalleryInputSchema, output: GalleryPageSchema },
  /** Where a jump (scrollbar drag, End) lands: keyset pages go on from the cursor it answers. */
  'library.seek': { input: LibraryGallerySeekInputSchema, output: GallerySeekSchema },
  /** How many works a gallery query shows per account: the counts the gallery states and "N more in …". */
  'library.counts': { input: GalleryCountsQuerySchema.strict(), output: GalleryCountsSchema },
  'library.work': { input: z.strictObject({ workId: IdSchema }), output: WorkDetailSchema },
  'library.facets': { input: NoInputSchema, output: FacetsSchema },
  'library.stats': { input: NoInputSchema, output: LibraryStatsSchema },
  'library.setFavorite': {
    input: z.strictObject({ workId: IdSchema, favorite: z.boolean() }),
    output: z.object({ workId: IdSchema, favorite: z.boolean() }),
  },
  /** Deletes the task's files and its index rows; `confirm` must be true (the UI asked the user). */
  'library.remove': {
    input: z.strictObject({
      taskId: IdSchema,
      confirm: z.literal(true, { message: 'removing needs confirm: true (the user confirmed)' }),
    }),
    output: z.object({ taskId: IdSchema, removedFiles: z.number().int() }),
  },
  'library.verify': { input: NoInputSchema, output: VerifyReportSchema },
  'library.rebuild': { input: NoInputSchema, output: RebuildReportSchema },
  /** Desktop app only: shows the file in the system's file manager. */
  'library.openInFolder': { input: z.strictObject({ relativePath: LibraryPathSchema }), output: OkSchema },
  /** Desktop app only: starts dragging the file out of the window to another app. */
  'library.startDrag': { input: z.strictObject({ relativePath: LibraryPathSchema }), output: OkSchema },
} as const;
