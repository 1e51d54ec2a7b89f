// Synthetic libraries built once and reused by later runs: a 1,000,000-work library takes about a
// minute to fill, longer than the measurements made on it. Kept in the system temp folder under a
// name that changes with the generator and the index's migrations, so a changed schema or
// generator builds a new one; each run works on its own copy, never on the kept one.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openLibrary } from '../../src/core/library';
import { fillDirect } from './synthetic-library';

const ROOT = path.join(tmpdir(), 'kling-bench-libraries');
const HERE = path.dirname(new URL(import.meta.url).pathname);
const SOURCES = [
  path.join(HERE, 'synthetic-library.ts'),
  path.join(HERE, 'prebuilt-library.ts'),
  path.join(HERE, '../../src/core/library/migrations'),
];

/** A hash of the generator and the migrations: what the kept library was built by. */
function fingerprint(): string {
  const hash = createHash('sha256');
  const add = (file: string) => {
    if (!file.endsWith('.ts')) return;
    hash.update(file);
    hash.update(readFileSync(file));
  };
  for (const source of SOURCES) {
    if (source.endsWith('.ts')) add(source);
    else for (const name of readdirSync(source).sort()) add(path.join(source, name));
  }
  return hash.digest('hex').slice(0, 12);
}

export interface PreparedLibrary {
  /** The run's own copy. */
  folder: string;
  /** Whether the kept library was built by this run (else reused). */
  built: boolean;
  buildMs: number;
  copyMs: number;
}

/**
 * A library of `works` works (the shape fillDirect gives, seed 2) at `folder`: copied from the kept
 * one, which is built first when missing or when `rebuild` is set.
 */
export function preparedLibrary(works: number, folder: string, rebuild = false): PreparedLibrary {
  const kept = path.join(ROOT, `${fingerprint()}-${works}`);
  let built = false;
  let buildMs = 0;
  if (rebuild || !existsSync(kept)) {
    const start = performance.now();
    // Built aside and renamed when complete: another run never sees half a library.
    const building = `${kept}.building-${process.pid}`;
    rmSync(building, { recursive: true, force: true });
    mkdirSync(building, { recursive: true });
    const library = openLibrary(building, { sidecars: false });
    fillDirect(library, works, { seed: 2, sampleRaw: '{}' });
    library.db.pragma('wal_checkpoint(TRUNCATE)');
    library.close();
    rmSync(kept, { recursive: true, force: true });
    renameSync(building, kept);
    built = true;
    buildMs = performance.now() - start;
  }
  const start = performance.now();
  rmSync(folder, { recursive: true, force: true });
  cpSync(kept, folder, { recursive: true });
  return { folder, built, buildMs, copyMs: performance.now() - start };
}
