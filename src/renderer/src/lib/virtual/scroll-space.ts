// Maps a virtual content height (which can be far taller than any browser allows an element to be)
// onto a physical scroll area that stays under a safe cap.
//
// Browsers cap element heights (Chromium ~33.5M px, Firefox ~17.9M px); a gallery of a million rows of
// covers needs ~40M px. Past the cap the scroll range is scaled: the virtual position `v` is the truth,
// the physical scrollTop is v / ratio, so the scrollbar thumb still shows where you are. Wheel and keyboard
// scrolling move `v` 1:1 (the grid intercepts them and writes the physical position back), and only
// a scrollbar drag maps physical → virtual, where a coarse jump is what the user asked for.
// Rows are drawn at physical positions `rowTop(v) - offset`, always inside the physical range.

/** Well below every engine's limit, and small enough that CSS pixel positions stay exact. */
export const MAX_PHYSICAL_HEIGHT = 6_000_000;

export class ScrollSpace {
  readonly virtualHeight: number;
  readonly viewportHeight: number;
  readonly physicalHeight: number;
  /** virtual scroll range / physical scroll range; 1 when no scaling is needed */
  readonly ratio: number;

  constructor(virtualHeight: number, viewportHeight: number, maxPhysical = MAX_PHYSICAL_HEIGHT) {
    this.virtualHeight = Math.max(0, virtualHeight);
    this.viewportHeight = Math.max(0, viewportHeight);
    this.physicalHeight = Math.min(this.virtualHeight, maxPhysical);
    const virtualRange = Math.max(0, this.virtualHeight - this.viewportHeight);
    const physicalRange = Math.max(0, this.physicalHeight - this.viewportHeight);
    this.ratio = physicalRange > 0 && virtualRange > physicalRange ? virtualRange / physicalRange : 1;
  }

  get scaled(): boolean {
    return this.ratio > 1;
  }

  get maxVirtual(): number {
    return Math.max(0, this.virtualHeight - this.viewportHeight);
  }

  get maxPhysical(): number {
    return Math.max(0, this.physicalHeight - this.viewportHeight);
  }

  clampVirtual(v: number): number {
    return Math.min(this.maxVirtual, Math.max(0, v));
  }

  /** The scrollTop that shows virtual position v. */
  toPhysical(v: number): number {
    return this.clampVirtual(v) / this.ratio;
  }

  /** The virtual position a scrollTop (from a scrollbar drag) stands for. */
  toVirtual(scrollTop: number): number {
    return this.clampVirtual(scrollTop * this.ratio);
  }

  /**
   * How far virtual content is shifted up to land in the physical area at position v:
   * an element at virtual y is drawn at physical y - offset(v), which is on screen exactly when
   * y is inside [v, v + viewportHeight).
   */
  offset(v: number): number {
    const clamped = this.clampVirtual(v);
    return clamped - this.toPhysical(clamped);
  }
}
