// Kling's task types as people read them: `m2v_txt2video_hq` → "Text to video · Pro". The one table
// of these names; the raw type stays visible where details are shown (the viewer's details).
// Unknown types are named from their parts, so a new one still reads as words.

/** Known types, by their exact raw name (useapi.net's `task.type`). */
export const TASK_TYPE_NAMES: Readonly<Record<string, string>> = {
  m2v_txt2video: 'Text to video',
  m2v_txt2video_hq: 'Text to video · Pro',
  m2v_img2video: 'Image to video',
  m2v_img2video_hq: 'Image to video · Pro',
  m2v_extend_video: 'Extend video',
  m2v_extend_video_hq: 'Extend video · Pro',
  m2v_video_lip_sync: 'Lip sync',
  mmu_txt2img_aiweb: 'Text to image',
  mmu_img2img_aiweb: 'Image to image',
  mmu_image_upscale_aiweb: 'Image upscale',
  mmu_virtual_try_on: 'Virtual try-on',
};

/** Words for the parts of a raw type not in the table. */
const PARTS: Readonly<Record<string, string>> = {
  txt2video: 'Text to video',
  img2video: 'Image to video',
  txt2img: 'Text to image',
  img2img: 'Image to image',
  upscale: 'upscale',
  extend: 'Extend',
  video: 'video',
  image: 'image',
  hq: '· Pro',
};

/** How a task type reads; null for none. */
export function taskTypeName(type: string | null | undefined): string | null {
  if (!type) return null;
  const known = TASK_TYPE_NAMES[type];
  if (known) return known;
  // m2v_…/mmu_… name the service; aiweb is where it was made. Neither tells a person anything.
  const words = type
    .split('_')
    .filter((part) => part && !['m2v', 'mmu', 'aiweb'].includes(part))
    .map((part) => PARTS[part] ?? part);
  const text = words.join(' ').trim();
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : type;
}
