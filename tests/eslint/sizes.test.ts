// The size rules (no file in src/ over 600 lines, no function over 80), run through ESLint with the
// project's own config on virtual files, so removing them from the config turns this red.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? '');
}

const statements = (n: number) => Array.from({ length: n }, (_, i) => `  total += ${i};`).join('\n');
const functionOf = (lines: number) =>
  `export function long(): number {\n  let total = 0;\n${statements(lines - 4)}\n  return total;\n}\n`;
const fileOf = (lines: number) =>
  Array.from({ length: lines }, (_, i) => `export const c${i} = ${i};`).join('\n') + '\n';

describe('the size rules', () => {
  it('refuse a function of 81 lines in src/ and allow one of 80', async () => {
    expect(await ruleIds('src/core/x.ts', functionOf(81))).toContain('max-lines-per-function');
    expect(await ruleIds('src/core/x.ts', functionOf(80))).not.toContain('max-lines-per-function');
  });

  it('refuse a file of 601 lines in src/ and allow one of 600', async () => {
    expect(await ruleIds('src/shared/x.ts', fileOf(601))).toContain('max-lines');
    expect(await ruleIds('src/shared/x.ts', fileOf(600))).not.toContain('max-lines');
  });

  it('leave tests alone', async () => {
    expect(await ruleIds('tests/x.test.ts', functionOf(200))).toEqual([]);
  });
});
