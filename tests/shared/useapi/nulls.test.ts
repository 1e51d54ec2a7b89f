// "null means absent", tried on every field of the reference page's example: nulling any optional
// field in turn reads exactly like leaving it out, and changes none of the facts the archive reads
// unless that field is where the fact lives. The facts we cannot do without fail with their path.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  interpretStatus,
  parseExactJson,
  parseTaskResponse,
  readTaskFacts,
  type TaskResponse,
} from '../../../src/shared/useapi';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/useapi/${name}`, import.meta.url), 'utf8');
const exampleText = fixture('get-task-example.json');
const allNullsText = fixture('get-task-example-nulls.json');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

/** The facts the archive takes from an answer: where the task stands, what it was, what to download. */
function facts(response: TaskResponse) {
  return {
    status: interpretStatus(response),
    task: readTaskFacts(response),
    taskId: response.task?.id ?? null,
    works: (response.works ?? []).map((work) => ({
      id: work.workId ?? null,
      url: work.resource?.resource ?? null,
      cover: work.cover?.resource ?? null,
      contentType: work.contentType ?? null,
      createTime: work.createTime ?? null,
    })),
    createTime: response.task?.createTime ?? null,
    currentTimestamp: response.currentTimestamp ?? null,
  };
}

function mustParse(text: string): TaskResponse {
  const result = parseTaskResponse(text);
  if (!result.ok) throw new Error(result.problem);
  return result.value;
}

/** Every object member of the tree, by path (members of objects inside arrays included). */
function memberPaths(value: Json, at: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => memberPaths(item, [...at, index]));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, member]) => [
    [...at, key],
    ...memberPaths(member, [...at, key]),
  ]);
}

/** A copy of the tree with the member at `path` set to null, or left out. */
function edited(tree: Json, path: Path, how: 'null' | 'delete'): Json {
  const copy = structuredClone(tree);
  let parent: Json = copy;
  for (const part of path.slice(0, -1)) parent = (parent as Record<string | number, Json>)[part] as Json;
  const key = path[path.length - 1] as string;
  const record = parent as Record<string, Json>;
  if (how === 'null') record[key] = null;
  else delete record[key];
  return copy;
}

const show = (path: Path) =>
  path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`))
    .join('')
    .slice(1);

// The example's ids fit in a JS number, so JSON.parse/stringify keep them; the reading goes through
// the project's exact parser all the same.
const example = JSON.parse(exampleText) as Json;
const NEEDED = new Set([
  'status',
  'task',
  'task.id',
  'works',
  'works[0]',
  'works[0].workId',
  'works[0].resource',
  'works[0].resource.resource',
]);
const paths = memberPaths(example).filter((path) => !NEEDED.has(show(path)));

describe('null in any optional field of the reference example means absent', () => {
  const original = facts(mustParse(exampleText));

  it('covers every member of the example', () => {
    expect(paths.length).toBeGreaterThan(100);
  });

  it.each(paths.map((path) => [show(path), path] as const))('%s: null reads like absent', (_name, path) => {
    const nulled = parseTaskResponse(JSON.stringify(edited(example, path, 'null')));
    const absent = parseTaskResponse(JSON.stringify(edited(example, path, 'delete')));
    expect(nulled.ok, nulled.ok ? '' : nulled.problem).toBe(true);
    expect(nulled).toEqual(absent);
  });

  // Fields that carry a fact, and the fact they carry; any other field leaves every fact alone.
  const FACT_FIELDS =
    /(arguments|inputs|value|url|^task\.taskInfo$|^works\[0\]\.taskInfo$|name|createTime|currentTimestamp|contentType|^works\[0\]\.cover|^task$|^task\.id$|status|message)/;
  const plain = paths.filter((path) => !FACT_FIELDS.test(show(path)));

  it.each(plain.map((path) => [show(path), path] as const))('%s: null changes no fact', (_name, path) => {
    expect(facts(mustParse(JSON.stringify(edited(example, path, 'null'))))).toEqual(original);
  });

  it('the example with one copy of taskInfo nulled still reads the same prompt, from the other copy', () => {
    for (const path of [
      ['task', 'taskInfo'],
      ['works', 0, 'taskInfo'],
    ]) {
      expect(facts(mustParse(JSON.stringify(edited(example, path, 'null'))))).toEqual(original);
    }
  });

  it('a null status field is read from the others', () => {
    for (const key of ['status', 'status_name', 'status_final']) {
      const text = JSON.stringify(edited(example, [key], 'null'));
      expect(facts(mustParse(text)).status).toEqual(original.status);
    }
  });
});

describe('the example with every optional field null (fixture)', () => {
  it('nulls every member but the facts we need', () => {
    const tree = JSON.parse(allNullsText) as Json;
    const kept = memberPaths(tree).filter((path) => {
      let value: Json = tree;
      for (const part of path) value = (value as Record<string | number, Json>)[part] as Json;
      return value !== null && (typeof value !== 'object' || Array.isArray(value));
    });
    // `works` is the list that holds the works.
    expect(kept.map(show).sort()).toEqual([
      'status',
      'task.id',
      'works',
      'works[0].resource.resource',
      'works[0].workId',
    ]);
  });

  it('parses to the facts it still has: succeeded, the task and work ids, the result URL', () => {
    const response = mustParse(allNullsText);
    expect(facts(response)).toMatchObject({
      status: { phase: 'succeeded', final: true, status: 99 },
      taskId: '123456789',
      works: [{ id: '123456789', url: 'https://s21-kling.klingai.com/....mp4', cover: null }],
      task: { prompt: null, duration: null, inputUrls: [] },
    });
    // The exact reader keeps the nulls; only the model reads them as absent.
    expect((parseExactJson(allNullsText) as { etaTime: unknown }).etaTime).toBeNull();
    expect(response.etaTime).toBeUndefined();
  });

  it('keeps unknown fields, nulls included, in any key order', () => {
    const tree = JSON.parse(allNullsText) as Record<string, Json>;
    const reordered = Object.fromEntries(
      Object.entries({ ...tree, futureField: null, otherNew: { a: null } }).reverse(),
    );
    const response = mustParse(JSON.stringify(reordered));
    expect(response['futureField']).toBeNull();
    expect(response['otherNew']).toEqual({ a: null });
    expect(facts(response)).toEqual(facts(mustParse(allNullsText)));
  });
});

describe('the facts we need stay needed', () => {
  it.each([
    [['works', 0, 'workId'], 'at works[0].workId: a succeeded work has no id'],
    [['works', 0, 'resource'], 'at works[0].resource.resource: a succeeded work has no result URL'],
    [
      ['works', 0, 'resource', 'resource'],
      'at works[0].resource.resource: a succeeded work has no result URL',
    ],
  ] as const)('null at %j: %s', (path, problem) => {
    expect(
      parseTaskResponse(JSON.stringify(edited(JSON.parse(allNullsText) as Json, [...path], 'null'))),
    ).toEqual({
      ok: false,
      problem,
    });
  });

  it('no status anywhere, no task id anywhere', () => {
    const tree = JSON.parse(allNullsText) as Json;
    expect(parseTaskResponse(JSON.stringify(edited(tree, ['status'], 'null')))).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^at status: /),
    });
    expect(parseTaskResponse(JSON.stringify(edited(tree, ['task'], 'null')))).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^at task\.id: /),
    });
  });
});
