// What a gallery tile shows. The gallery adapts the library's items to this shape, so the grid and
// its tiles do not depend on how the library names things (and a test can feed it synthetic tiles).

export interface TileData {
  /** the work's exact id */
  id: string;
  title: string;
  contentType: string;
  coverUrl: string | null;
  /** a playable file for the hover preview (videos only) */
  previewUrl: string | null;
  durationMs: number | null;
  width: number | null;
  height: number | null;
  account: string | null;
  favorite: boolean;
  watermark: boolean | null;
  /** a search snippet with \u0002 … \u0003 around matches, when searching */
  snippet: string | null;
}

/** An account's initials and colour on a tile, when the gallery shows several accounts. */
export interface TileBadge {
  initials: string;
  color: string;
  /** what the badge stands for, read out instead of the letters */
  name: string;
}
