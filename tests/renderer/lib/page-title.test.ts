import { describe, expect, it } from 'vitest';
import { pageTitle } from '../../../src/renderer/src/lib/page-title';
import { parseRoute } from '../../../src/renderer/src/lib/router';

describe('the tab title', () => {
  it('follows the view, the search and the viewer', () => {
    expect(pageTitle(parseRoute('#/gallery'))).toBe('Gallery · Kling Archive');
    expect(pageTitle(parseRoute('#/gallery?q=koi'))).toBe('Search “koi” · Kling Archive');
    expect(pageTitle(parseRoute('#/gallery?fav=1'))).toBe('Favorites · Kling Archive');
    expect(pageTitle(parseRoute('#/gallery?work=123'))).toBe('Viewer · Kling Archive');
    expect(pageTitle(parseRoute('#/tasks'), 2)).toBe('Tasks (2 downloading) · Kling Archive');
    expect(pageTitle(parseRoute('#/settings'))).toBe('Settings · Kling Archive');
  });
});
