// Builds the JSON trees of the API's answers with the reference page's field names, order and shapes.
// Ids go in as RawNumber so json-writer writes them as raw JSON numbers, every digit intact.
import { DEMO_INPUT_IMAGE, DEMO_VIDEOS } from './demo-media';
import { idNumber } from './json-writer';
import type { SimAccount, SimTask, SimWork, TaskSnapshot } from './tasks';

/** URL of the watermarked copy (works[].resource.resource). */
export function resourceUrl(baseUrl: string, work: SimWork): string {
  const ext = work.contentType === 'video' ? 'mp4' : 'jpg';
  if (work.media.kind === 'generated')
    return `${baseUrl}/media/gen/${work.media.seed}-${work.media.bytes}.${ext}`;
  return `${baseUrl}/media/demo/${work.workId}/${work.media.name}.${ext}`;
}

/** URL of the watermark-free copy (/assets/download's cdnUrl): different bytes from the resource. */
export function cleanUrl(baseUrl: string, work: SimWork): string {
  const ext = work.contentType === 'video' ? 'mp4' : 'png';
  if (work.media.kind === 'generated')
    return `${baseUrl}/media/gen/${work.media.cleanSeed}-${work.media.bytes}.${ext}`;
  const name = work.contentType === 'video' ? `${work.media.name}-nowm` : work.media.name;
  return `${baseUrl}/media/cdn/${work.workId}/${name}.${ext}`;
}

function coverUrl(baseUrl: string, work: SimWork): string {
  if (work.contentType === 'image') return resourceUrl(baseUrl, work);
  const name = work.media.kind === 'demo' ? work.media.name : (DEMO_VIDEOS[0]?.name ?? 'landscape-a');
  return `${baseUrl}/media/demo/${work.workId}/${name}.jpg`;
}

export function inputImageUrl(baseUrl: string, task: SimTask): string {
  return `${baseUrl}/media/demo/input-${task.id}/${DEMO_INPUT_IMAGE.file}`;
}

function taskInfo(task: SimTask, baseUrl: string, forWork: boolean): Record<string, unknown> {
  const inputs =
    task.kind === 'img2video'
      ? [
          {
            name: 'input',
            inputType: 'URL',
            token: null,
            blobStorage: null,
            url: inputImageUrl(baseUrl, task),
            cover: null,
            fromWorkId: null,
            ...(forWork ? { fromUploadId: null } : {}),
          },
        ]
      : [];
  const args =
    task.kind === 'txt2img'
      ? [
          { name: 'prompt', value: task.prompt },
          { name: 'negative_prompt', value: task.negativePrompt },
          { name: 'aspect_ratio', value: task.aspectRatio },
          { name: 'imageCount', value: String(task.works.length) },
          { name: 'kling_version', value: task.klingVersion },
        ]
      : [
          { name: 'prompt', value: task.prompt },
          { name: 'negative_prompt', value: task.negativePrompt },
          { name: 'duration', value: task.duration },
          ...(task.kind === 'txt2video' ? [{ name: 'aspect_ratio', value: task.aspectRatio }] : []),
          { name: 'kling_version', value: task.klingVersion },
        ];
  return {
    type: task.type,
    inputs,
    arguments: args,
    extraArgs: {},
    callbackPayloads: [],
    scene: 'NORMAL_CREATION',
  };
}

function renderWork(
  task: SimTask,
  work: SimWork,
  snapshot: TaskSnapshot,
  baseUrl: string,
): Record<string, unknown> {
  const isVideo = work.contentType === 'video';
  return {
    workId: idNumber(work.workId),
    workItemId: 0,
    taskId: idNumber(task.id),
    userId: idNumber(task.userId),
    type: task.type,
    status: snapshot.status,
    status_name: snapshot.statusName,
    status_final: snapshot.final,
    contentType: work.contentType,
    resource: {
      resource: resourceUrl(baseUrl, work),
      height: work.height,
      width: work.width,
      duration: work.durationMs,
      resourceKey: '',
    },
    cover: {
      resource: coverUrl(baseUrl, work),
      height: work.height,
      width: work.width,
      duration: 0,
      resourceKey: '',
    },
    starNum: 0,
    cloneCount: 0,
    reportNum: 0,
    createTime: task.createTime + 16,
    taskInfo: taskInfo(task, baseUrl, true),
    selfAttitude: 'unknown',
    selfComment: { rate: 0, tags: [], content: '', prompts: [] },
    favored: false,
    starred: false,
    publishStatus: 'unpublished',
    deleted: false,
    publishTime: 0,
    submitTime: task.createTime + 16,
    lipSyncStatus: isVideo ? 99 : 0,
    downloadInfo: { fileTypes: [{ type: isVideo ? 'MP4' : 'PNG', watermark: true }] },
    allowPublish: true,
  };
}

/** The GET /tasks/{task_id} answer (also each item of the history and assets lists). */
export function renderTask(task: SimTask, snapshot: TaskSnapshot, baseUrl: string): Record<string, unknown> {
  // Works carry result URLs only once the task has succeeded; running and failed tasks list none.
  const works =
    snapshot.status === 99 ? task.works.map((work) => renderWork(task, work, snapshot, baseUrl)) : [];
  return {
    status: snapshot.status,
    status_name: snapshot.statusName,
    status_final: snapshot.final,
    etaTime: snapshot.etaTime,
    etaTimeOverSla: snapshot.etaTimeOverSla,
    queuingEtaTime: snapshot.queuingEtaTime,
    originEtaTime: snapshot.originEtaTime,
    originQueuingEtaTime: snapshot.originQueuingEtaTime,
    message: snapshot.message,
    task: {
      id: idNumber(task.id),
      userId: idNumber(task.userId),
      type: task.type,
      scene: 'NORMAL_CREATION',
      status: snapshot.status,
      status_name: snapshot.statusName,
      status_final: snapshot.final,
      taskInfo: taskInfo(task, baseUrl, false),
      favored: false,
      deleted: false,
      viewed: snapshot.viewed,
      createTime: task.createTime,
      updateTime: snapshot.updateTime,
      viewTime: snapshot.viewTime,
    },
    works,
    currentTimestamp: snapshot.now,
  };
}

/** One entry of GET /accounts (and, with balance, GET /accounts/{email}). */
export function renderAccount(account: SimAccount, withBalance: boolean): Record<string, unknown> {
  return {
    email: account.email,
    session: {
      userId: idNumber(account.userId),
      ExpireTime: account.expireTime,
      ExpireTimeUTC: new Date(account.expireTime).toISOString(),
    },
    maxJobs: account.maxJobs,
    password: '…secured…',
    ...(withBalance ? { balance: account.balance } : {}),
  };
}
