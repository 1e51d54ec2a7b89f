// Toast notices: short confirmations that fade, and errors that stay until dismissed and can show
// their details.

import { isConnectionError } from './connection-error';

export type NoticeKind = 'info' | 'success' | 'error';

export interface Notice {
  id: number;
  kind: NoticeKind;
  title: string;
  detail?: string;
  action?: { label: string; run: () => void };
}

class Notices {
  list = $state<Notice[]>([]);
  private next = 1;

  push(notice: Omit<Notice, 'id'>, timeoutMs = notice.kind === 'error' ? 0 : 4000): number {
    const id = this.next++;
    this.list = [...this.list, { ...notice, id }].slice(-5);
    if (timeoutMs > 0) setTimeout(() => this.dismiss(id), timeoutMs);
    return id;
  }

  info(title: string, detail?: string): number {
    return this.push({ kind: 'info', title, detail });
  }

  success(title: string, detail?: string): number {
    return this.push({ kind: 'success', title, detail });
  }

  /** An error toast; none when the core could not be reached (the connection banner says that once). */
  error(title: string, error?: unknown): number {
    if (isConnectionError(error)) return -1;
    return this.push({ kind: 'error', title, detail: describeError(error) });
  }

  dismiss(id: number): void {
    this.list = this.list.filter((n) => n.id !== id);
  }
}

export function describeError(error: unknown): string | undefined {
  if (error === undefined || error === null) return undefined;
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

export const notices = new Notices();
