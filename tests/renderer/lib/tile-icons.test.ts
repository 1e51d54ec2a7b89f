// The tiles' icon sprite (components/tile-icons.png, made by scripts/tile-icons.ts) and the CSS that
// picks an icon out of it (GalleryTile.svelte) agree on the order, the spacing and the proportions.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TILE_ICONS, TILE_ICON_PITCH } from '../../../src/renderer/src/lib/icon-paths';

const components = new URL('../../../src/renderer/src/components/', import.meta.url);
const tileSource = readFileSync(new URL('GalleryTile.svelte', components), 'utf8');
const spriteUnits = TILE_ICON_PITCH * (TILE_ICONS.length - 1) + 24;

describe('tile icon sprite', () => {
  it('is as wide, in icon heights, as the CSS scales it', () => {
    const png = readFileSync(new URL('tile-icons.png', components));
    // PNG: the IHDR chunk's width and height follow the 8-byte signature and 8 bytes of chunk header.
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    expect(width / height).toBeCloseTo(spriteUnits / 24, 2);
    expect(tileSource).toContain(`mask-size: calc(100% * ${spriteUnits} / 24) 100%;`);
  });

  it('shows icon i at (100 × i / (n - 1))% for every class', () => {
    TILE_ICONS.forEach(({ className }, i) => {
      const position = (100 * i) / (TILE_ICONS.length - 1);
      expect(tileSource).toMatch(new RegExp(`\\.icon\\.${className} \\{\\s*mask-position: ${position}% 0;`));
    });
  });
});
