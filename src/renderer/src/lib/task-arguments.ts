// The task's arguments as the viewer lists them, under their own heading (what was asked for, not
// what came back), labelled for people. The prompts have their own section, and the model version
// is already shown as "Model" when it says the same.
export interface ArgumentRow {
  label: string;
  value: string;
}

const LABELS: Record<string, string> = {
  duration: 'Duration',
  kling_version: 'Kling version',
  model_name: 'Model name',
  aspect_ratio: 'Aspect ratio',
  cfg: 'Creativity',
  imageCount: 'Images',
  image_count: 'Images',
};

const SHOWN_ELSEWHERE = new Set(['prompt', 'negative_prompt']);

/** A name the API uses (snake or camel case) as words: `camera_control` → "Camera control". */
function words(name: string): string {
  const spaced = name
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

export function argumentRows(
  args: ReadonlyArray<{ name: string; value: string | null }>,
  modelVersion: string | null,
): ArgumentRow[] {
  const rows: ArgumentRow[] = [];
  for (const { name, value } of args) {
    if (SHOWN_ELSEWHERE.has(name) || value === null || value.trim() === '') continue;
    if (name === 'kling_version' && value === modelVersion) continue;
    const seconds = name === 'duration' && /^\d+(\.\d+)?$/.test(value.trim());
    rows.push({ label: LABELS[name] ?? words(name), value: seconds ? `${value.trim()} s` : value });
  }
  return rows;
}
