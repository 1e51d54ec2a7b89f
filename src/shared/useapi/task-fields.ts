// Reads the few task facts the archive indexes (prompt, duration, model version, input images)
// out of the open-ended taskInfo.arguments list.
import type { TaskInfo, TaskResponse } from './model';

export interface TaskFacts {
  prompt: string | null;
  negativePrompt: string | null;
  duration: string | null;
  modelVersion: string | null;
  /** URLs of the task's input images (img2video, img2img, upscale). */
  inputUrls: string[];
}

/** The arguments the archive reads, each by its first occurrence, in one pass over the list. */
const READ_ARGUMENTS = new Set([
  'prompt',
  'negative_prompt',
  'duration',
  'kling_version',
  'model_name',
  'version',
]);

function readArguments(info: TaskInfo | null | undefined): Map<string, string | null> {
  const found = new Map<string, string | null>();
  for (const arg of info?.arguments ?? []) {
    const name = arg.name;
    if (typeof name !== 'string' || !READ_ARGUMENTS.has(name) || found.has(name)) continue;
    const value = arg.value === undefined || arg.value === null ? '' : String(arg.value);
    found.set(name, value === '' ? null : value);
  }
  return found;
}

export function readTaskFacts(response: TaskResponse): TaskFacts {
  // The task's own taskInfo first; a work's copy when the task part is missing (history pages).
  const info = response.task?.taskInfo ?? response.works?.find((work) => work.taskInfo)?.taskInfo ?? null;
  const inputUrls = (info?.inputs ?? [])
    .map((input) => input.url)
    .filter((url): url is string => typeof url === 'string' && url.length > 0);
  const args = readArguments(info);
  const argument = (name: string) => args.get(name) ?? null;
  return {
    prompt: argument('prompt'),
    negativePrompt: argument('negative_prompt'),
    duration: argument('duration'),
    modelVersion: argument('kling_version') ?? argument('model_name') ?? argument('version'),
    inputUrls: [...new Set(inputUrls)],
  };
}
