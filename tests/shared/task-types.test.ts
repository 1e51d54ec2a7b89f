import { describe, expect, it } from 'vitest';
import { TASK_TYPE_NAMES, taskTypeName } from '../../src/shared/task-types';

describe('task type names', () => {
  it('reads the types useapi.net sends as words', () => {
    expect(taskTypeName('m2v_txt2video_hq')).toBe('Text to video · Pro');
    expect(taskTypeName('m2v_img2video_hq')).toBe('Image to video · Pro');
    expect(taskTypeName('mmu_txt2img_aiweb')).toBe('Text to image');
    expect(taskTypeName('mmu_image_upscale_aiweb')).toBe('Image upscale');
  });

  it('names an unknown type from its parts, and nothing from nothing', () => {
    expect(taskTypeName('m2v_img2video_fast')).toBe('Image to video fast');
    expect(taskTypeName('weird')).toBe('Weird');
    expect(taskTypeName(null)).toBeNull();
    expect(taskTypeName('')).toBeNull();
  });

  it('holds no raw name as a friendly one', () => {
    for (const name of Object.values(TASK_TYPE_NAMES)) expect(name).not.toMatch(/_/);
  });
});
