// The gallery's tuning: where one way of reading a text + "longest" query gives way to another. The
// defaults suit libraries of a hundred thousand to a few million works (bench/library.bench.ts
// prints what each way costs); tests pass small values so a small library reaches every branch.

export interface GalleryOptions {
  /** A trailing prefix that starts more words than this stays a prefix term (correct, slower). */
  maxPrefixWords: number;
  /**
   * Text + "longest" keeps the query's matches. Up to this many (fewer in a small library: works /
   * 128, at least `sortedMatchesMin`) are stored sorted by duration, pages are range reads; with
   * more, only their ids are kept and pages walk the duration index, checking each work (about
   * limit / density works a page): sorting many matches costs more than walking past the others.
   */
  sortedMatchesMax: number;
  sortedMatchesMin: number;
  /**
   * A dense match is probed, not read: its pages walk the duration index a chunk at a time and match
   * each chunk in a small temp index, so a word in a third of a big library costs a few chunks a page
   * instead of reading every match first. Probed when it has at least `probeMin` matches and a
   * density of at least `probeMinDensity`, sampled from the newest `probeSample` works.
   */
  probeMin: number;
  probeMinDensity: number;
  probeSample: number;
  /** Works matched at once in the temp index while probing. */
  probeChunkMax: number;
  /** Match sets kept at once (a few recent searches). */
  matchSetSlots: number;
  /**
   * Works rechecked at most to patch the kept match sets after writes that changed the text index
   * (works / 100 within these bounds); with more (a big import), the sets are rebuilt when next read.
   */
  patchMinWorks: number;
  patchMaxWorks: number;
}

export const GALLERY_DEFAULTS: Readonly<GalleryOptions> = {
  maxPrefixWords: 50,
  sortedMatchesMax: 5000,
  sortedMatchesMin: 1000,
  probeMin: 20_000,
  probeMinDensity: 0.25,
  probeSample: 2048,
  probeChunkMax: 2000,
  matchSetSlots: 3,
  patchMinWorks: 500,
  patchMaxWorks: 5000,
};
