// Where every cell of the gallery grid sits, computed from the width and the item count alone,
// so a million items cost nothing until they scroll into view.
// Fixed-column rows: every row has the same height, and each cover is fitted to its own aspect
// inside its cell, so the layout never shifts while pages load.

export interface GridOptions {
  /** the width a cell aims for; the real width stretches so the columns fill the row */
  targetCellWidth: number;
  /** cell height / cell width */
  cellAspect: number;
  gap: number;
  padding: number;
  /** room below each cover for its caption */
  captionHeight: number;
}

export interface GridGeometry {
  count: number;
  columns: number;
  rows: number;
  cellWidth: number;
  cellHeight: number;
  /** distance from the top of one row to the top of the next */
  rowPitch: number;
  gap: number;
  padding: number;
  /** the full height the rows would need, unscaled */
  contentHeight: number;
}

export const DEFAULT_GRID: GridOptions = {
  targetCellWidth: 240,
  cellAspect: 0.75,
  gap: 14,
  padding: 20,
  captionHeight: 0,
};

export function computeGeometry(
  width: number,
  count: number,
  options: GridOptions = DEFAULT_GRID,
): GridGeometry {
  const { gap, padding } = options;
  const inner = Math.max(1, width - padding * 2);
  // The column count whose cells come closest to the target width.
  const columns = Math.max(1, Math.round((inner + gap) / (options.targetCellWidth + gap)));
  const cellWidth = Math.max(1, (inner - gap * (columns - 1)) / columns);
  const cellHeight = Math.round(cellWidth * options.cellAspect) + options.captionHeight;
  const rowPitch = cellHeight + gap;
  const rows = Math.ceil(count / columns);
  const contentHeight = rows === 0 ? 0 : padding * 2 + rows * rowPitch - gap;
  return { count, columns, rows, cellWidth, cellHeight, rowPitch, gap, padding, contentHeight };
}

/** Top of a row in unscaled (virtual) content coordinates. */
export function rowTop(geometry: GridGeometry, row: number): number {
  return geometry.padding + row * geometry.rowPitch;
}

export function cellLeft(geometry: GridGeometry, column: number): number {
  return geometry.padding + column * (geometry.cellWidth + geometry.gap);
}

/** The rows that intersect [top, top + height) in virtual coordinates, widened by `overscan` rows each side. */
export function visibleRows(
  geometry: GridGeometry,
  top: number,
  height: number,
  overscan = 1,
): { first: number; last: number } {
  if (geometry.rows === 0) return { first: 0, last: -1 };
  const first = Math.floor((top - geometry.padding) / geometry.rowPitch) - overscan;
  const last = Math.floor((top + height - geometry.padding) / geometry.rowPitch) + overscan;
  return { first: clamp(first, 0, geometry.rows - 1), last: clamp(last, 0, geometry.rows - 1) };
}

/** How many cells a grid `width` × `height` px shows at its top: every row that shows a part. */
export function cellsOnScreen(width: number, height: number, options: GridOptions = DEFAULT_GRID): number {
  const geometry = computeGeometry(width, 1, options);
  const rows = Math.max(1, Math.ceil((Math.max(0, height) - geometry.padding) / geometry.rowPitch));
  return geometry.columns * rows;
}

/** The virtual scroll position that brings `row` fully into view with as little movement as possible. */
export function scrollToReveal(geometry: GridGeometry, row: number, top: number, height: number): number {
  const start = rowTop(geometry, row) - geometry.gap;
  const end = rowTop(geometry, row) + geometry.cellHeight + geometry.gap;
  if (start < top) return Math.max(0, start);
  if (end > top + height) return Math.max(0, end - height);
  return top;
}

/** Index moved by a key press, clamped to the items; `pageRows` is how many rows a viewport holds. */
export function moveIndex(
  geometry: GridGeometry,
  index: number,
  key: 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End' | 'PageUp' | 'PageDown',
  pageRows: number,
): number {
  if (geometry.count === 0) return -1;
  const last = geometry.count - 1;
  const cols = geometry.columns;
  const step = Math.max(1, pageRows) * cols;
  switch (key) {
    case 'ArrowLeft':
      return clamp(index - 1, 0, last);
    case 'ArrowRight':
      return clamp(index + 1, 0, last);
    case 'ArrowUp':
      return index - cols >= 0 ? index - cols : index;
    case 'ArrowDown':
      return index + cols <= last
        ? index + cols
        : Math.floor(index / cols) < geometry.rows - 1
          ? last
          : index;
    case 'Home':
      return 0;
    case 'End':
      return last;
    case 'PageUp':
      return clamp(index - step, index % cols, last);
    case 'PageDown':
      return clamp(index + step, 0, last);
  }
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
