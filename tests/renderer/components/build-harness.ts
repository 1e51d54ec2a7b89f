// Builds a harness page (its own index.html + entry) with the real Svelte compiler into a temp folder.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export async function buildHarness(harnessDir: string): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'kling-harness-'));
  await build({
    root: harnessDir,
    logLevel: 'error',
    configFile: false,
    plugins: [svelte({ configFile: resolve('svelte.config.js') })],
    build: { outDir, emptyOutDir: true, minify: false, reportCompressedSize: false },
  });
  return outDir;
}
