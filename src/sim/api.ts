// The /v1/kling routes: auth, the email rules for tokens with several accounts, tasks, history, accounts,
// assets and the watermark-free download. Each handler answers a status and a JSON tree (ids as RawNumber).
import { zipStored } from './zip';
import type { MediaStore } from './media';
import { withNulls } from './nulls';
import { cleanUrl, renderAccount, renderTask } from './render';
import type { SimAccount, SimState, SimTask } from './tasks';

export interface ApiReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const UNAUTHORIZED: ApiReply = { status: 401, body: { error: 'Unauthorized', code: 401 } };
const INVALID_TASK_ID: ApiReply = { status: 400, body: { error: 'Invalid task_id parameter' } };
const TASK_NOT_FOUND: ApiReply = { status: 404, body: { error: 'Task not found' } };
const INVALID_PARAMETERS: ApiReply = { status: 400, body: { error: 'Invalid parameters' } };

function badRequest(error: string): ApiReply {
  return { status: 400, body: { error } };
}

export interface ApiRequest {
  method: string;
  /** the path after /v1/kling */
  route: string;
  query: URLSearchParams;
  authorization: string | undefined;
  baseUrl: string;
}

type AccountChoice = { account: SimAccount } | { reply: ApiReply };

export class KlingApi {
  constructor(
    private readonly state: SimState,
    private readonly media: MediaStore,
  ) {}

  /** A task as the API shows it: plain, or the way real services fill it (the `nulls` option). */
  private renderTask(task: SimTask, baseUrl: string): unknown {
    const tree = renderTask(task, this.state.snapshot(task), baseUrl);
    return this.state.options.nulls ? withNulls(tree) : tree;
  }

  handle(request: ApiRequest): ApiReply {
    const token = bearerToken(request.authorization);
    if (token === undefined || !this.state.tokens.has(token)) return UNAUTHORIZED;
    const accounts = this.state.tokens.get(token) ?? [];
    if (request.method !== 'GET')
      return { status: 405, body: { error: `Method ${request.method} not allowed` } };
    const route = request.route.replace(/\/+$/, '');
    const q = request.query;

    let match = /^\/tasks\/([^/]*)$/.exec(route);
    if (match) return this.getTask(decodeSegment(match[1] ?? ''), token, accounts, q, request.baseUrl);
    if (route === '/tasks') return this.history(token, accounts, q, request.baseUrl);
    if (route === '/accounts') {
      if (accounts.length === 0) return { status: 404, body: { error: 'No Kling accounts configured' } };
      return {
        status: 200,
        body: Object.fromEntries(accounts.map((a) => [a.email, renderAccount(a, false)])),
      };
    }
    match = /^\/accounts\/([^/]+)$/.exec(route);
    if (match) {
      const account = accounts.find((a) => a.email === decodeSegment(match?.[1] ?? ''));
      if (!account) return { status: 404, body: { error: 'Account not found' } };
      return { status: 200, body: renderAccount(account, true) };
    }
    if (route === '/assets') return this.assets(token, accounts, q, request.baseUrl);
    if (route === '/assets/download') return this.download(token, accounts, q, request.baseUrl);
    return { status: 404, body: { error: 'Not found' } };
  }

  private chooseAccount(
    token: string,
    accounts: SimAccount[],
    q: URLSearchParams,
    missing: ApiReply,
  ): AccountChoice {
    const email = q.get('email');
    if (email === null || email === '') {
      // useapi.net needs ?email= once a token has more than one account.
      if (accounts.length === 1 && accounts[0]) return { account: accounts[0] };
      return {
        reply:
          accounts.length === 0 ? { status: 404, body: { error: 'No Kling accounts configured' } } : missing,
      };
    }
    const account = this.state.account(token, email);
    return account ? { account } : { reply: { status: 404, body: { error: `Account ${email} not found` } } };
  }

  private getTask(
    idText: string,
    token: string,
    accounts: SimAccount[],
    q: URLSearchParams,
    baseUrl: string,
  ): ApiReply {
    if (!/^\d{1,20}$/.test(idText)) return INVALID_TASK_ID;
    const choice = this.chooseAccount(token, accounts, q, INVALID_TASK_ID);
    if ('reply' in choice) return choice.reply.status === 404 ? TASK_NOT_FOUND : choice.reply;
    const task = this.state.tasks.get(idText.replace(/^0+(?=\d)/, ''));
    if (!task || task.token !== token || task.email !== choice.account.email) return TASK_NOT_FOUND;
    if (!this.state.visible(task)) {
      task.notFoundAnswered += 1;
      return TASK_NOT_FOUND;
    }
    const body = this.renderTask(task, baseUrl);
    this.state.countPoll(task);
    return { status: 200, body };
  }

  private history(token: string, accounts: SimAccount[], q: URLSearchParams, baseUrl: string): ApiReply {
    const choice = this.chooseAccount(token, accounts, q, badRequest('Parameter email is required'));
    if ('reply' in choice) return choice.reply;
    const before = q.get('createdBefore');
    const after = q.get('createdAfter');
    if (before !== null && after !== null)
      return badRequest('Parameters createdBefore and createdAfter cannot be used together');
    const pageSize = intParam(q.get('pageSize'), 10, 1, 500);
    if (pageSize === undefined) return badRequest('Parameter pageSize must be an integer from 1 to 500');
    const bound = before ?? after;
    if (bound !== null && !/^\d{1,16}$/.test(bound))
      return badRequest('Parameters createdBefore/createdAfter must be ms since epoch');
    const contentType = q.get('contentType');
    if (contentType !== null && !['video', 'image', 'audio'].includes(contentType)) {
      return badRequest('Parameter contentType must be video, image or audio');
    }
    let tasks = this.state.tasksOf(choice.account);
    if (contentType) tasks = tasks.filter((task) => contentTypeOf(task) === contentType);
    if (before !== null) {
      tasks = tasks.filter((task) => task.createTime < Number(before)).slice(0, pageSize);
    } else if (after !== null) {
      // The page just after the bound (the oldest pageSize newer tasks), listed newest first like every page.
      const newer = tasks.filter((task) => task.createTime > Number(after));
      tasks = newer.slice(Math.max(0, newer.length - pageSize));
    } else {
      tasks = tasks.slice(0, pageSize);
    }
    return {
      status: 200,
      body: { history: tasks.map((task) => this.renderTask(task, baseUrl)) },
    };
  }

  private assets(token: string, accounts: SimAccount[], q: URLSearchParams, baseUrl: string): ApiReply {
    const choice = this.chooseAccount(token, accounts, q, badRequest('Parameter email is required'));
    if ('reply' in choice) return choice.reply;
    const pageNum = intParam(q.get('pageNum'), 1, 1, 1_000_000);
    const pageSize = intParam(q.get('pageSize'), 10, 1, 500);
    const sort = q.get('sort') ?? 'desc';
    const contentType = q.get('contentType');
    if (pageNum === undefined || pageSize === undefined || (sort !== 'asc' && sort !== 'desc'))
      return INVALID_PARAMETERS;
    if (contentType !== null && !['video', 'image', 'audio'].includes(contentType)) return INVALID_PARAMETERS;
    let tasks = this.state.tasksOf(choice.account).filter((task) => this.state.snapshot(task).status === 99);
    if (contentType) tasks = tasks.filter((task) => contentTypeOf(task) === contentType);
    if (sort === 'asc') tasks.reverse();
    const page = tasks.slice((pageNum - 1) * pageSize, pageNum * pageSize);
    return {
      status: 200,
      body: {
        limitations: [],
        history: page.map((task) => this.renderTask(task, baseUrl)),
      },
    };
  }

  private download(token: string, accounts: SimAccount[], q: URLSearchParams, baseUrl: string): ApiReply {
    const choice = this.chooseAccount(token, accounts, q, INVALID_PARAMETERS);
    if ('reply' in choice) return choice.reply;
    if (choice.account.plan === 'free') return { status: 402, body: { error: 'Subscription required' } };
    const ids = (q.get('workIds') ?? '').split(',').filter((id) => id !== '');
    const fileType = q.get('fileTypes');
    if (ids.length === 0 || ids.some((id) => !/^\d{1,20}$/.test(id)) || !fileType) return INVALID_PARAMETERS;
    if (!['MP4', 'PNG', 'MP3', 'WAV'].includes(fileType)) return INVALID_PARAMETERS;
    const wanted = fileType === 'MP4' ? 'video' : fileType === 'PNG' ? 'image' : 'audio';
    const works = [];
    for (const id of ids) {
      const found = this.findWork(choice.account, id);
      if (!found || found.work.contentType !== wanted) return INVALID_PARAMETERS;
      works.push(found.work);
    }
    const first = works[0];
    if (works.length === 1 && first)
      return { status: 200, body: { cdnUrl: cleanUrl(baseUrl, first), status: 'success' } };
    // Several works: one zip of their clean copies (demo media only; generated ones are too big to zip here).
    const entries: Array<{ name: string; data: Buffer }> = [];
    for (const work of works) {
      if (work.media.kind !== 'demo') return INVALID_PARAMETERS;
      const file = this.media.demoFile(
        work.contentType === 'video' ? `${work.media.name}-nowm.mp4` : `${work.media.name}.png`,
      );
      const data = file?.buffer;
      if (!data) return INVALID_PARAMETERS;
      entries.push({ name: `${work.workId}.${work.contentType === 'video' ? 'mp4' : 'png'}`, data });
    }
    const name = this.media.addZip(`works-${ids.join('-').slice(0, 180)}`, zipStored(entries));
    return { status: 200, body: { cdnUrl: `${baseUrl}/media/zip/${name}.zip`, status: 'success' } };
  }

  private findWork(
    account: SimAccount,
    workId: string,
  ): { task: SimTask; work: SimTask['works'][number] } | undefined {
    for (const task of this.state.tasksOf(account)) {
      const work = task.works.find((candidate) => candidate.workId === workId);
      if (work) return this.state.snapshot(task).status === 99 ? { task, work } : undefined;
    }
    return undefined;
  }
}

function contentTypeOf(task: SimTask): string {
  return task.kind === 'txt2img' ? 'image' : 'video';
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function intParam(text: string | null, fallback: number, min: number, max: number): number | undefined {
  if (text === null || text === '') return fallback;
  if (!/^\d{1,9}$/.test(text)) return undefined;
  const value = Number(text);
  return value >= min && value <= max ? value : undefined;
}
