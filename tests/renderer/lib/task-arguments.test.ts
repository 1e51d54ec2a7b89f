import { describe, expect, it } from 'vitest';
import { argumentRows } from '../../../src/renderer/src/lib/task-arguments';

describe('the arguments the viewer lists', () => {
  it('leaves out the prompts, empty values and a Kling version the Model row already says', () => {
    const rows = argumentRows(
      [
        { name: 'prompt', value: 'A person dancing' },
        { name: 'negative_prompt', value: '' },
        { name: 'duration', value: '5' },
        { name: 'kling_version', value: '2.0' },
        { name: 'cfg', value: null },
      ],
      '2.0',
    );
    expect(rows).toEqual([{ label: 'Duration', value: '5 s' }]);
  });

  it('keeps a Kling version that differs, and names unknown arguments in words', () => {
    const rows = argumentRows(
      [
        { name: 'kling_version', value: '2.1' },
        { name: 'camera_control', value: 'zoom' },
        { name: 'imageReference', value: 'subject' },
        { name: 'duration', value: 'long' },
      ],
      '2.0',
    );
    expect(rows).toEqual([
      { label: 'Kling version', value: '2.1' },
      { label: 'Camera control', value: 'zoom' },
      { label: 'Image reference', value: 'subject' },
      { label: 'Duration', value: 'long' },
    ]);
  });
});
