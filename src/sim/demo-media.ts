// What is in resources/demo-media/ (made by scripts/make-demo-media.sh). Each video NAME has NAME.mp4
// (watermarked: the works' resource URL), NAME-nowm.mp4 (clean: the /assets/download copy) and NAME.jpg
// (cover); each image NAME has NAME.jpg (watermarked) and NAME.png (clean). A test checks these figures
// against the files with the box reader in tests/support/media-headers.ts.
import { fileURLToPath } from 'node:url';

/** resources/demo-media, two levels up from both src/sim/ (tsx, vitest) and out/node/ (the built sim and CLI). */
export const DEMO_MEDIA_DIR = fileURLToPath(new URL('../../resources/demo-media/', import.meta.url));

export interface DemoVideo {
  name: string;
  width: number;
  height: number;
  durationMs: number;
}

export interface DemoImage {
  name: string;
  width: number;
  height: number;
}

export const DEMO_VIDEOS: readonly DemoVideo[] = [
  { name: 'landscape-a', width: 320, height: 180, durationMs: 3000 },
  { name: 'landscape-b', width: 320, height: 180, durationMs: 4000 },
  { name: 'portrait-a', width: 180, height: 320, durationMs: 2000 },
  { name: 'portrait-b', width: 180, height: 320, durationMs: 3000 },
];

export const DEMO_IMAGES: readonly DemoImage[] = [
  { name: 'image-a', width: 256, height: 256 },
  { name: 'image-b', width: 256, height: 256 },
  { name: 'image-c', width: 192, height: 256 },
  { name: 'image-d', width: 256, height: 192 },
];

/** The source picture of img2video tasks. */
export const DEMO_INPUT_IMAGE = { file: 'input.jpg', width: 320, height: 180 };
