// Electronegativity over the built app (out/), as one check of `npm test`: any high or medium finding
// fails unless it is listed below with the reason it is deliberate. Scans out/ as a whole, because
// its global checks (navigation limits, permission handler, CSP) look across main, preload and renderer.
// An exception names one check, one file and the line it allows (by the code on that line, since the
// bundle's line numbers move with every change): the same check anywhere else still fails.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const electronVersion = JSON.parse(
  readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8'),
).version;

/** Deliberate findings: the check, the file in out/, the code on the reported line, and why. */
export const EXCEPTIONS = [
  {
    check: 'PRELOAD_JS_CHECK',
    file: 'main/index.js',
    line: 'preload: join(import.meta.dirname, "../preload/index.cjs")',
    reason:
      'The preload is the one bridge: it exposes only invoke/on/off for the contract’s own method and event names ' +
      'and a one-way startDrag (a library path, checked in main) ' +
      '(src/preload, allow-list tested in tests/preload), with sandbox and contextIsolation on.',
  },
];

/** The exception that covers this finding, if one does: same check, same file, that code on that line. */
export function exceptionFor(row, readLine) {
  return EXCEPTIONS.find(
    (e) =>
      e.check === row.check &&
      e.file === row.file &&
      (readLine(row.file, row.location) ?? '').includes(e.line),
  );
}

/** The text of line `location` (`line:column`, 1-based) of `file` under out/. */
function readOutLine(file, location) {
  const lineNumber = Number(location.split(':')[0]);
  try {
    return readFileSync(join(root, 'out', file), 'utf8').split('\n')[lineNumber - 1];
  } catch {
    return undefined;
  }
}

function scan() {
  const report = join(mkdtempSync(join(tmpdir(), 'kling-eneg-')), 'findings.csv');
  const run = spawnSync(
    'npx',
    ['electronegativity', '-i', 'out', '-e', electronVersion, '-r', '-v', 'false', '-o', report],
    { cwd: root, encoding: 'utf8' },
  );
  if (run.status !== 0) {
    process.stdout.write(`electronegativity did not run:\n${run.stdout}${run.stderr}\n`);
    process.exit(1);
  }

  // CSV rows: issue, severity, confidence, filename, location, ...
  const rows = readFileSync(report, 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => line.match(/^([A-Z_]+),"([A-Z]+)","([A-Z]+)","([^"]*)","([^"]*)"/))
    .filter(Boolean)
    .map(([, check, severity, confidence, file, location]) => ({
      check,
      severity,
      confidence,
      file,
      location,
    }));

  let unexplained = 0;
  for (const row of rows) {
    const serious = row.severity === 'HIGH' || row.severity === 'MEDIUM';
    const reason = exceptionFor(row, readOutLine)?.reason;
    const where = `${row.file}:${row.location}`;
    if (!serious) process.stdout.write(`  low     ${row.check} at ${where}\n`);
    else if (reason)
      process.stdout.write(`  allowed ${row.check} (${row.severity}) at ${where}: ${reason}\n`);
    else {
      unexplained += 1;
      process.stdout.write(`  FAIL    ${row.check} (${row.severity}, ${row.confidence}) at ${where}\n`);
    }
  }
  process.stdout.write(
    `electronegativity: ${rows.length} finding(s), ${unexplained} high/medium unexplained\n`,
  );
  process.exitCode = unexplained === 0 ? 0 : 1;
}

// Run as a script (npm test, by hand); imported by its test for the rules only.
if (process.argv[1] === new URL(import.meta.url).pathname) scan();
