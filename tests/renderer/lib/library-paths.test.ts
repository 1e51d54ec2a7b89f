import { describe, expect, it } from 'vitest';
import { commonFolder, fileName } from '../../../src/renderer/src/lib/library-paths';

describe('library paths in the viewer', () => {
  const folder = 'me@example.com/2026-04/9007199254740993';

  it('finds the task folder the files share, and names each file in it', () => {
    const paths = [`${folder}/1.mp4`, `${folder}/1.cover.jpg`, `${folder}/input.png`];
    expect(commonFolder(paths)).toBe(folder);
    expect(paths.map((p) => fileName(p, folder))).toEqual(['1.mp4', '1.cover.jpg', 'input.png']);
  });

  it('shows whole paths when the files lie in different folders or in none', () => {
    expect(commonFolder([`${folder}/1.mp4`, 'other/1.cover.jpg'])).toBeNull();
    expect(commonFolder(['1.mp4'])).toBeNull();
    expect(commonFolder([])).toBeNull();
    expect(fileName(`${folder}/1.mp4`, null)).toBe(`${folder}/1.mp4`);
    // A sibling folder whose name starts the same is not "in" the folder.
    expect(fileName(`${folder}0/1.mp4`, folder)).toBe(`${folder}0/1.mp4`);
  });
});
