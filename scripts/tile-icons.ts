// Makes src/renderer/src/components/tile-icons.png, the gallery tiles' icon sprite, from the icons'
// paths (src/renderer/src/lib/icon-paths.ts), drawn by Chromium: `npx tsx scripts/tile-icons.ts`.
// Run it after changing one of TILE_ICONS' paths. Why a raster: Chromium builds a document of its own
// for every SVG image a style names, and lays it out and paints it again for each size it is drawn at,
// on the main thread; a PNG is decoded once, off it.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ICON_PATHS, TILE_ICONS, TILE_ICON_PITCH } from '../src/renderer/src/lib/icon-paths';
import { launchChromium } from '../tests/e2e/support/browser';

/** Pixels per icon side: three times the largest tile icon (28 px), sharp on a 2x screen. */
const CELL_PX = 72;
const OUT = fileURLToPath(new URL('../src/renderer/src/components/tile-icons.png', import.meta.url));

const units = TILE_ICON_PITCH * (TILE_ICONS.length - 1) + 24;
const width = Math.round((CELL_PX * units) / 24);
const paths = TILE_ICONS.map(
  ({ name, filled }, i) =>
    `<path transform="translate(${TILE_ICON_PITCH * i})" fill="${filled ? '#000' : 'none'}" d="${ICON_PATHS[name]}"/>`,
).join('');
const svg =
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${CELL_PX}" viewBox="0 0 ${units} 24"` +
  ` stroke="#000" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">${paths}</svg>`;

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width, height: CELL_PX } });
  await page.setContent(`<body style="margin:0">${svg}</body>`);
  const png = await page.locator('svg').screenshot({ omitBackground: true });
  writeFileSync(OUT, png);
  console.log(`${OUT}: ${width} x ${CELL_PX}, ${png.length} bytes`);
} finally {
  await browser.close();
}
