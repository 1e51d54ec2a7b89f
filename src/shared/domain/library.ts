// The shapes the local library hands to the UI (gallery, detail, queue, statistics), as zod schemas
// so that the contract can validate them at the process boundary. Ids are exact decimal strings.
import { z } from 'zod';

export const TaskPhaseSchema = z.enum(['queued', 'running', 'succeeded', 'failed']);
export const GallerySortSchema = z.enum(['newest', 'oldest', 'longest']);
export const FileKindSchema = z.enum(['video', 'image', 'cover', 'input']);
export const FileStateSchema = z.enum(['pending', 'downloading', 'done', 'failed', 'missing']);
/**
 * Which copy an archived media file is: from GET /assets/download (watermark-free, paid plans) or the
 * work's result URL (watermarked). Unknown (null) for covers, inputs and files found by a rebuild.
 */
export const FileCopySchema = z.enum(['watermark-free', 'watermarked']);

/** Times are milliseconds since the epoch. `createdTo` is exclusive. */
export const GalleryQuerySchema = z.object({
  account: z.string().max(320).optional(),
  phase: TaskPhaseSchema.optional(),
  contentType: z.string().max(40).optional(),
  taskType: z.string().max(100).optional(),
  modelVersion: z.string().max(40).optional(),
  createdFrom: z.number().int().optional(),
  createdTo: z.number().int().optional(),
  favoritesOnly: z.boolean().optional(),
  /** Free text: words match as prefixes, "quoted phrases" match exactly. */
  text: z.string().max(500).optional(),
  sort: GallerySortSchema.optional(),
  limit: z.number().int().min(1).max(500).optional(),
  /** The opaque `nextCursor` of the previous page. */
  cursor: z.string().max(200).nullable().optional(),
});

/**
 * Where a jump in the gallery lands: the cursor of the page that starts at the asked position (null
 * for the top), and whether the query has nothing there.
 */
export const GallerySeekSchema = z.object({
  cursor: z.string().max(200).nullable(),
  atEnd: z.boolean(),
});

/** What a gallery count counts: a query's filters and text, in every account (the account is the split). */
export const GalleryCountsQuerySchema = GalleryQuerySchema.omit({
  account: true,
  sort: true,
  limit: true,
  cursor: true,
});

/** How many works a query shows in each account (accounts with none are left out). */
export const GalleryCountsSchema = z.object({
  accounts: z.array(z.object({ account: z.string(), count: z.number().int() })),
});

/** A piece of a highlighted snippet: matched words have `match: true`. */
export const SnippetPartSchema = z.object({ text: z.string(), match: z.boolean() });

export const GalleryItemSchema = z.object({
  workId: z.string(),
  taskId: z.string(),
  account: z.string(),
  contentType: z.string().nullable(),
  taskType: z.string().nullable(),
  modelVersion: z.string().nullable(),
  phase: TaskPhaseSchema,
  width: z.number().nullable(),
  height: z.number().nullable(),
  durationMs: z.number().nullable(),
  createdAt: z.number(),
  favorite: z.boolean(),
  prompt: z.string().nullable(),
  /** Only for text searches: the prompt around the matches. */
  snippet: z.array(SnippetPartSchema).nullable(),
  /** Paths relative to the library folder; null until the file is downloaded. */
  mediaPath: z.string().nullable(),
  coverPath: z.string().nullable(),
  /** Whether the archived media file is the watermarked copy; null when unknown or not archived. */
  watermarked: z.boolean().nullable(),
});

export const GalleryPageSchema = z.object({
  items: z.array(GalleryItemSchema),
  nextCursor: z.string().nullable(),
});

export const FacetValueSchema = z.object({ value: z.string(), count: z.number().int() });

export const FacetsSchema = z.object({
  total: z.number().int(),
  favorites: z.number().int(),
  accounts: z.array(FacetValueSchema),
  phases: z.array(FacetValueSchema),
  contentTypes: z.array(FacetValueSchema),
  taskTypes: z.array(FacetValueSchema),
  modelVersions: z.array(FacetValueSchema),
});

export const LibraryFileSchema = z.object({
  kind: FileKindSchema,
  workId: z.string().nullable(),
  relativePath: z.string(),
  sourceUrl: z.string().nullable(),
  state: FileStateSchema,
  bytes: z.number().nullable(),
  bytesDone: z.number(),
  sha256: z.string().nullable(),
  error: z.string().nullable(),
  /** Which copy the archived file is (done media files); null when unknown or not archived. */
  copy: FileCopySchema.nullable(),
});

export const TaskSummarySchema = z.object({
  taskId: z.string(),
  account: z.string(),
  type: z.string().nullable(),
  phase: TaskPhaseSchema,
  final: z.boolean(),
  status: z.number().nullable(),
  statusName: z.string().nullable(),
  reason: z.string().nullable(),
  prompt: z.string().nullable(),
  negativePrompt: z.string().nullable(),
  duration: z.string().nullable(),
  modelVersion: z.string().nullable(),
  createdAt: z.number().nullable(),
  updatedAt: z.number().nullable(),
  nextPollAt: z.number().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
});

export const WorkDetailSchema = z.object({
  work: GalleryItemSchema,
  task: TaskSummarySchema,
  arguments: z.array(z.object({ name: z.string(), value: z.string().nullable() })),
  files: z.array(LibraryFileSchema),
  /** The other works of the same task (a four-image generation). */
  siblingWorkIds: z.array(z.string()),
});

export const TaskListQuerySchema = z.object({
  account: z.string().max(320).optional(),
  phase: TaskPhaseSchema.optional(),
  /** Only tasks that are not final yet (the queue). */
  activeOnly: z.boolean().optional(),
  limit: z.number().int().min(1).max(500).optional(),
  cursor: z.string().max(200).nullable().optional(),
});

export const TaskListItemSchema = TaskSummarySchema.extend({
  works: z.number().int(),
  filesDone: z.number().int(),
  filesTotal: z.number().int(),
  /** Files that could not be archived, and the first one's reason. */
  filesFailed: z.number().int(),
  fileError: z.string().nullable(),
  /**
   * While the task is not final: when useapi.net expects it to finish (ms since epoch, this machine's
   * clock), from its last answer's ETA; null when it gave none.
   */
  etaAt: z.number().nullable(),
});

export const TaskListPageSchema = z.object({
  items: z.array(TaskListItemSchema),
  nextCursor: z.string().nullable(),
});

export const AccountStatsSchema = z.object({
  email: z.string(),
  label: z.string().nullable(),
  tasks: z.number().int(),
  works: z.number().int(),
  bytes: z.number(),
});

export const LibraryStatsSchema = z.object({
  tasks: z.number().int(),
  works: z.number().int(),
  bytes: z.number(),
  files: z.record(FileStateSchema, z.number().int()),
  accounts: z.array(AccountStatsSchema),
});

export type TaskPhase = z.infer<typeof TaskPhaseSchema>;
export type GallerySort = z.infer<typeof GallerySortSchema>;
export type FileKind = z.infer<typeof FileKindSchema>;
export type FileState = z.infer<typeof FileStateSchema>;
export type FileCopy = z.infer<typeof FileCopySchema>;
export type GalleryQuery = z.infer<typeof GalleryQuerySchema>;
export type SnippetPart = z.infer<typeof SnippetPartSchema>;
export type GalleryItem = z.infer<typeof GalleryItemSchema>;
export type GalleryPage = z.infer<typeof GalleryPageSchema>;
export type GalleryCountsQuery = z.infer<typeof GalleryCountsQuerySchema>;
export type GalleryCounts = z.infer<typeof GalleryCountsSchema>;
export type GallerySeek = z.infer<typeof GallerySeekSchema>;
export type FacetValue = z.infer<typeof FacetValueSchema>;
export type Facets = z.infer<typeof FacetsSchema>;
export type LibraryFile = z.infer<typeof LibraryFileSchema>;
export type TaskSummary = z.infer<typeof TaskSummarySchema>;
export type WorkDetail = z.infer<typeof WorkDetailSchema>;
export type TaskListQuery = z.infer<typeof TaskListQuerySchema>;
export type TaskListItem = z.infer<typeof TaskListItemSchema>;
export type TaskListPage = z.infer<typeof TaskListPageSchema>;
export type AccountStats = z.infer<typeof AccountStatsSchema>;
export type LibraryStats = z.infer<typeof LibraryStatsSchema>;
