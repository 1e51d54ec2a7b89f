// Unsaved edits of the settings form, kept while another view is shown: back in Settings they are
// still there (with a note and a way to discard them), never dropped without a word.
import type { Settings } from '../../../shared/contract';

let kept: Settings | null = null;

export function keepDraft(draft: Settings | null): void {
  kept = draft;
}

/** The kept edits, once. */
export function takeDraft(): Settings | null {
  const draft = kept;
  kept = null;
  return draft;
}

/** Whether a draft differs from the saved settings in what the form edits. */
export function draftDiffers(draft: Settings | null, saved: Settings | null): boolean {
  if (!draft || !saved) return false;
  const edited = (s: Settings) =>
    JSON.stringify([s.apiBase, s.polling, s.downloads, s.notifications, s.watching]);
  return edited(draft) !== edited(saved);
}
