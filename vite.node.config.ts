import { resolve } from 'node:path';
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };

// Plain-Node entry points: the command line (which also hosts the headless server) and the
// useapi.net simulator. Dependencies stay external so better-sqlite3 loads its Node build.
const external = [
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  ...Object.keys(pkg.dependencies),
  'electron',
].map((name) => new RegExp(`^${name.replace(/[/\\^$*+?.()|[\]{}]/g, '\\$&')}(/.*)?$`));

export default defineConfig({
  build: {
    ssr: true,
    target: 'node20',
    outDir: 'out/node',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    rollupOptions: {
      input: {
        cli: resolve('src/server/cli.ts'),
        sim: resolve('src/sim/main.ts'),
      },
      external,
      // Chunks beside the entries: code that finds resources/ relative to itself sits two levels deep
      // in both src/<layer>/ and out/node/.
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
    },
  },
});
