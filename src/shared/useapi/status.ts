// What a task response means: its phase, whether it is final, and a reason a person can read.
// Decides on status_final and status_name first and the known numbers second, as the API's own
// table does; an unknown number never throws.
import type { TaskResponse } from './model';

export type TaskPhase = 'queued' | 'running' | 'succeeded' | 'failed';

export interface TaskStatus {
  phase: TaskPhase;
  final: boolean;
  status: number | null;
  statusName: string | null;
  reason: string | null;
}

/** The known status numbers (reference page, API-NOTES.md). */
const KNOWN_STATUS: Record<number, { phase: TaskPhase; reason?: string }> = {
  5: { phase: 'queued' },
  10: { phase: 'running' },
  6: { phase: 'failed', reason: 'Generation failed' },
  7: { phase: 'failed', reason: 'The prompt contains sensitive words' },
  9: { phase: 'failed', reason: 'Change the prompt and try again' },
  50: { phase: 'failed', reason: 'Change the prompt and try again' },
  99: { phase: 'succeeded' },
};

/**
 * Failures that are Kling's verdict on the prompt (moderation, "change the prompt"): asking about the
 * same task again cannot change them, only a new generation with another prompt can.
 */
export function failedOnPrompt(status: number | null): boolean {
  return status === 7 || status === 9 || status === 50;
}

function phaseFromName(name: string | null): TaskPhase | null {
  switch (name?.trim().toLowerCase()) {
    case 'submitted':
    case 'queued':
    case 'queuing':
    case 'pending':
      return 'queued';
    case 'processing':
    case 'running':
      return 'running';
    case 'succeed':
    case 'succeeded':
    case 'success':
      return 'succeeded';
    case 'failed':
    case 'fail':
    case 'failure':
      return 'failed';
    default:
      return null;
  }
}

const isTerminal = (phase: TaskPhase) => phase === 'succeeded' || phase === 'failed';

export function interpretStatus(response: TaskResponse): TaskStatus {
  // The top level mirrors the task's own fields; either may be missing.
  const status = response.status ?? response.task?.status ?? null;
  const statusName = response.status_name ?? response.task?.status_name ?? null;
  const declaredFinal = response.status_final ?? response.task?.status_final;
  const known = status === null ? undefined : KNOWN_STATUS[status];

  let phase = phaseFromName(statusName) ?? known?.phase ?? null;
  let final = declaredFinal ?? (phase ? isTerminal(phase) : false);

  if (phase === null) phase = final ? 'failed' : 'running';
  if (!final && isTerminal(phase)) phase = 'running'; // the service says "not final": keep following it
  if (final && !isTerminal(phase)) phase = 'failed'; // final, yet named queued/running: it will not finish

  let reason: string | null = null;
  if (phase === 'failed') {
    const message = response.message?.trim();
    const usefulMessage = message && !/^(success|ok|failed)$/i.test(message) ? message : null;
    reason =
      known?.phase === 'failed' && known.reason
        ? known.reason
        : (usefulMessage ?? (status === null ? 'Generation failed' : `Generation failed (status ${status})`));
  }
  final = final || isTerminal(phase);
  return { phase, final, status, statusName, reason };
}
