import { describe, expect, it } from 'vitest';
import { MAX_PHYSICAL_HEIGHT, ScrollSpace } from '../../../../src/renderer/src/lib/virtual/scroll-space';
import {
  computeGeometry,
  moveIndex,
  rowTop,
  scrollToReveal,
  visibleRows,
} from '../../../../src/renderer/src/lib/virtual/grid-geometry';

describe('ScrollSpace', () => {
  it('does not scale a library that fits', () => {
    const space = new ScrollSpace(50_000, 800);
    expect(space.scaled).toBe(false);
    expect(space.physicalHeight).toBe(50_000);
    expect(space.toPhysical(1234)).toBe(1234);
    expect(space.offset(1234)).toBe(0);
  });

  it('keeps a million works under the element height cap and maps both ends exactly', () => {
    const geometry = computeGeometry(1400, 1_000_000);
    expect(geometry.contentHeight).toBeGreaterThan(33_554_432); // taller than Chromium allows
    const space = new ScrollSpace(geometry.contentHeight, 900);
    expect(space.physicalHeight).toBe(MAX_PHYSICAL_HEIGHT);
    expect(space.scaled).toBe(true);
    expect(space.toPhysical(0)).toBe(0);
    expect(space.toPhysical(space.maxVirtual)).toBeCloseTo(space.maxPhysical, 6);
    expect(space.toVirtual(space.maxPhysical)).toBeCloseTo(space.maxVirtual, 3);
    expect(space.toVirtual(space.toPhysical(12_345_678))).toBeCloseTo(12_345_678, 3);
  });

  it('draws the rows on screen inside the physical area at every position', () => {
    const geometry = computeGeometry(1400, 1_000_000);
    const space = new ScrollSpace(geometry.contentHeight, 900);
    for (const v of [0, 1, 777_777, space.maxVirtual / 2, space.maxVirtual - 1, space.maxVirtual]) {
      const { first, last } = visibleRows(geometry, v, 900, 0);
      const physicalTop = space.toPhysical(v);
      for (const row of [first, last]) {
        const drawnAt = rowTop(geometry, row) - space.offset(v);
        expect(drawnAt).toBeGreaterThanOrEqual(physicalTop - geometry.rowPitch);
        expect(drawnAt).toBeLessThanOrEqual(physicalTop + 900);
        expect(drawnAt + geometry.cellHeight).toBeLessThanOrEqual(space.physicalHeight + geometry.rowPitch);
      }
    }
    // The last row reaches the bottom of the physical area exactly when scrolled to the end.
    const lastRowBottom = rowTop(geometry, geometry.rows - 1) + geometry.cellHeight + geometry.padding;
    expect(lastRowBottom - space.offset(space.maxVirtual)).toBeCloseTo(space.physicalHeight, 3);
  });
});

describe('grid geometry', () => {
  it('fills the width with the column count whose cells come closest to the target', () => {
    const g = computeGeometry(1000, 10, {
      targetCellWidth: 200,
      cellAspect: 1,
      gap: 10,
      padding: 20,
      captionHeight: 0,
    });
    expect(g.columns).toBe(5); // 184 px cells beat 4 columns of 232 px
    expect(g.cellWidth * 5 + 40).toBeCloseTo(960);
    expect(g.rows).toBe(2);
  });

  it('has no rows for no items and one column on a narrow window', () => {
    expect(computeGeometry(1000, 0).rows).toBe(0);
    expect(visibleRows(computeGeometry(1000, 0), 0, 500)).toEqual({ first: 0, last: -1 });
    expect(computeGeometry(100, 5).columns).toBe(1);
  });

  it('lists only the rows in view, with overscan', () => {
    const g = computeGeometry(1000, 1000, {
      targetCellWidth: 200,
      cellAspect: 1,
      gap: 0,
      padding: 0,
      captionHeight: 0,
    });
    expect(visibleRows(g, 0, 500, 0)).toEqual({ first: 0, last: 2 });
    expect(visibleRows(g, 1000, 500, 1)).toEqual({ first: 4, last: 8 });
  });

  it('moves the focus like a grid', () => {
    const g = computeGeometry(1000, 23, {
      targetCellWidth: 200,
      cellAspect: 1,
      gap: 0,
      padding: 0,
      captionHeight: 0,
    });
    expect(g.columns).toBe(5);
    expect(moveIndex(g, 0, 'ArrowRight', 2)).toBe(1);
    expect(moveIndex(g, 0, 'ArrowLeft', 2)).toBe(0);
    expect(moveIndex(g, 7, 'ArrowDown', 2)).toBe(12);
    expect(moveIndex(g, 19, 'ArrowDown', 2)).toBe(22); // partial last row: land on the last item
    expect(moveIndex(g, 22, 'ArrowDown', 2)).toBe(22);
    expect(moveIndex(g, 3, 'ArrowUp', 2)).toBe(3);
    expect(moveIndex(g, 12, 'PageDown', 2)).toBe(22);
    expect(moveIndex(g, 12, 'PageUp', 2)).toBe(2);
    expect(moveIndex(g, 12, 'End', 2)).toBe(22);
    expect(moveIndex(g, 12, 'Home', 2)).toBe(0);
  });

  it('scrolls just enough to reveal a row', () => {
    const g = computeGeometry(1000, 1000, {
      targetCellWidth: 200,
      cellAspect: 1,
      gap: 0,
      padding: 0,
      captionHeight: 0,
    });
    expect(scrollToReveal(g, 1, 0, 500)).toBe(0);
    expect(scrollToReveal(g, 5, 0, 500)).toBe(700);
    expect(scrollToReveal(g, 2, 1000, 500)).toBe(400);
  });
});
