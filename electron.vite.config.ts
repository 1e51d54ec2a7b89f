import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The desktop app: Electron main, the sandboxed preload, and the Svelte renderer.
// The headless CLI/server/simulator are built separately (vite.node.config.ts) so they run in plain Node.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { index: resolve('src/main/index.ts') } },
      externalizeDeps: true,
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        // A sandboxed preload cannot load ES modules; emit one CommonJS file.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
      externalizeDeps: { exclude: ['zod'] },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    build: {
      outDir: 'out/renderer',
      // electron-vite leaves the renderer unminified; minified, the page has a third of the script
      // to parse and compile before the first paint.
      minify: true,
      // The tiles' icon sprite goes into the CSS: fetched as a file, it would come after the first
      // frame and the first tiles would be drawn without their icons.
      assetsInlineLimit: (file) => (file.endsWith('tile-icons.png') ? true : undefined),
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
    plugins: [svelte({ configFile: resolve('svelte.config.js') })],
  },
});
