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

function argument(info: TaskInfo | null | undefined, name: string): string | null {
  const found = info?.arguments?.find((arg) => arg.name === name);
  if (found?.value === undefined || found.value === null) return null;
  const value = String(found.value);
  return value === '' ? null : value;
}

export function readTaskFacts(response: TaskResponse): TaskFacts {
  // The task's own taskInfo first; a work's copy when the task part is missing (history pages).
  const info = response.task?.taskInfo ?? response.works?.find((work) => work.taskInfo)?.taskInfo ?? null;
  const inputUrls = (info?.inputs ?? [])
    .map((input) => input.url)
    .filter((url): url is string => typeof url === 'string' && url.length > 0);
  return {
    prompt: argument(info, 'prompt'),
    negativePrompt: argument(info, 'negative_prompt'),
    duration: argument(info, 'duration'),
    modelVersion:
      argument(info, 'kling_version') ?? argument(info, 'model_name') ?? argument(info, 'version'),
    inputUrls: [...new Set(inputUrls)],
  };
}
