// Every contract input is strict: a key the method does not know is refused, not dropped silently
// (a misspelt option would otherwise do nothing and say nothing).
import { describe, expect, it } from 'vitest';
import { CONTRACT } from '../../src/shared/contract';
import { METHOD_NAMES } from '../../src/shared/contract/names';

const VALID: Record<string, Record<string, unknown>> = {
  'library.gallery': { account: 'all' },
  'library.seek': { account: 'all', position: 0 },
  'library.work': { workId: '1' },
  'library.setFavorite': { workId: '1', favorite: true },
  'library.remove': { taskId: '1', confirm: true },
  'library.openInFolder': { relativePath: 'a/b.mp4' },
  'library.startDrag': { relativePath: 'a/b.mp4' },
  'tasks.list': { limit: 10 },
  'tasks.add': { taskIds: ['5'] },
  'tasks.retry': { taskId: '5' },
  'tasks.cancel': { taskId: '5' },
  'tasks.redownload': { relativePath: 'a/b.mp4' },
  'accounts.add': { email: 'a@example.com', credentials: { token: 'opaque-token-1' } },
  'accounts.update': { id: 'a1', label: 'x' },
  'accounts.remove': { id: 'a1' },
  'accounts.switch': { id: 'a1' },
  'accounts.test': { credentials: { tokenId: 't1' } },
  'accounts.import': { credentials: { tokenId: 't1' } },
  'settings.update': { notifications: false },
  'settings.moveLibrary': { folder: '/tmp/x' },
};

describe('contract inputs', () => {
  it.each([...METHOD_NAMES])('%s refuses a key it does not know', (method) => {
    const schema = CONTRACT[method].input;
    const valid = VALID[method] ?? {};
    expect(schema.safeParse(valid).success, 'the valid input').toBe(true);
    const result = schema.safeParse({ ...valid, unexpected: 1 });
    expect(result.success).toBe(false);
  });

  it('nested settings sections are strict too', () => {
    const schema = CONTRACT['settings.update'].input;
    expect(schema.safeParse({ polling: { intervalSecond: 30 } }).success).toBe(false);
    expect(schema.safeParse({ downloads: { concurency: 2 } }).success).toBe(false);
  });
});
