// Shows a library file in the system's file manager (desktop app), saying why when it cannot (a toast:
// notices are runes state, hence .svelte.ts).
import { backend } from './backend';
import { notices } from './notices.svelte';

export async function openInFolder(relativePath: string): Promise<void> {
  try {
    await backend().call('library.openInFolder', { relativePath });
  } catch (error) {
    notices.error('Could not open the folder', error);
  }
}
