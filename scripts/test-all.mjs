// `npm test`: build, typecheck, lint, the electronegativity scan and every test suite, then one closing line `N passed, N failed`
// over all of them (typecheck and lint count as one check each).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provideChromium } from './chromium.mjs';

const root = new URL('..', import.meta.url).pathname;
let passed = 0;
let failed = 0;
let skipped = 0;

function run(label, command, args, env = process.env) {
  process.stdout.write(`\n=== ${label}: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  return result.status === 0;
}

function check(label, command, args) {
  if (run(label, command, args)) passed += 1;
  else {
    failed += 1;
    process.stdout.write(`*** ${label} failed\n`);
  }
}

check('build', 'npm', ['run', '--silent', 'build']);
check('typecheck', 'npm', ['run', '--silent', 'typecheck']);
check('lint', 'npm', ['run', '--silent', 'lint']);
check('security scan', 'node', ['scripts/security-scan.mjs']);

// The browser suites need a Chromium: found here, or installed when this machine allows it. The
// one found is passed on, so every suite uses the same; without one they are counted as skipped.
let chromium;
try {
  chromium = provideChromium();
} catch (error) {
  chromium = { path: null, reason: error.message };
}
const testEnv = { ...process.env };
if (chromium.path) {
  testEnv.CHROMIUM_PATH = chromium.path;
  process.stdout.write(`\nChromium for the browser tests: ${chromium.path} (${chromium.source})\n`);
} else {
  process.stdout.write(`\nBrowser tests will be skipped: ${chromium.reason}\n`);
}

const report = join(mkdtempSync(join(tmpdir(), 'kling-tests-')), 'vitest.json');
const ok = run(
  'tests',
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
  testEnv,
);
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed += json.numPassedTests;
  failed += json.numFailedTests;
  skipped += json.numPendingTests + json.numTodoTests;
  // A suite that fails to load, or whose beforeAll fails, has no failed test of its own (its tests
  // show as skipped): count the suite as a failure so it cannot pass unseen.
  const brokenSuites = json.testResults.filter(
    (s) => s.status === 'failed' && !s.assertionResults.some((a) => a.status === 'failed'),
  );
  failed += brokenSuites.length;
  if (!ok && json.numFailedTests === 0 && brokenSuites.length === 0) failed += 1;
} else {
  failed += 1;
  process.stdout.write('*** the test runner wrote no report\n');
}

process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exitCode = failed === 0 ? 0 : 1;
