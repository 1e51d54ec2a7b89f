// Moving the library to another folder: a rename when both are on one disk, otherwise copy every
// file (with progress), check the sizes, switch the setting, and only then delete the old folder.
// Any failure leaves the old library where it was and in use.
import { copyFile, lstat, mkdir, readdir, readlink, rename, rm, rmdir, symlink } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import { ContractError } from '../../../shared/contract';
import type { MethodOutput } from '../../../shared/contract';
import type { HandlerContext } from '../context';
import { whileLibraryClosed } from './shared';

type Entry = { relative: string; kind: 'dir' | 'file' | 'link'; size: number };

async function walk(root: string, relative = ''): Promise<Entry[]> {
  const out: Entry[] = [];
  for (const dirent of await readdir(path.join(root, relative), { withFileTypes: true })) {
    const child = path.join(relative, dirent.name);
    if (dirent.isDirectory()) {
      out.push({ relative: child, kind: 'dir', size: 0 });
      out.push(...(await walk(root, child)));
    } else if (dirent.isSymbolicLink()) out.push({ relative: child, kind: 'link', size: 0 });
    else out.push({ relative: child, kind: 'file', size: (await lstat(path.join(root, child))).size });
  }
  return out;
}

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  );
}

function isWithin(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

let moving = false;

export async function moveLibrary(
  ctx: HandlerContext,
  folder: string,
): Promise<MethodOutput<'settings.moveLibrary'>> {
  if (!path.isAbsolute(folder))
    throw new ContractError('invalid_input', 'The new library folder must be an absolute path.');
  const from = path.resolve(ctx.deps.settings.read().libraryFolder);
  const to = path.resolve(folder);
  if (isWithin(from, to) || isWithin(to, from)) {
    throw new ContractError(
      'invalid_input',
      'The new folder cannot be the library folder itself, inside it, or contain it.',
    );
  }
  if (await exists(to)) {
    const info = await lstat(to);
    if (!info.isDirectory() || (await readdir(to)).length > 0) {
      throw new ContractError('conflict', `${to} is not an empty folder; choose a new or empty one.`);
    }
  }
  if (moving) throw new ContractError('conflict', 'The library is already being moved.');
  moving = true;
  try {
    const work = async () => {
      const moved = await moveFolder(ctx, from, to).catch((error: unknown) => refusedFolder(error, to));
      // Switched before the library is opened again (the engine restarts on the folder the settings name).
      ctx.deps.settings.update((current) => ({ ...current, libraryFolder: to }));
      return moved;
    };
    const result = await whileLibraryClosed(ctx.deps, work);
    ctx.events.emit('settings.changed', {});
    ctx.log.info(`library moved to ${to} (${result.movedFiles} files)`);
    return { libraryFolder: to, ...result };
  } finally {
    moving = false;
  }
}

async function moveFolder(ctx: HandlerContext, from: string, to: string) {
  if (!(await exists(from))) {
    await mkdir(to, { recursive: true, mode: 0o700 });
    return { movedFiles: 0, movedBytes: 0 };
  }
  const entries = await walk(from);
  const files = entries.filter((e) => e.kind === 'file');
  const bytesTotal = files.reduce((sum, f) => sum + f.size, 0);
  const progress = { filesDone: 0, filesTotal: files.length, bytesDone: 0, bytesTotal, done: false };
  ctx.events.emit('library.moveProgress', progress);

  await mkdir(path.dirname(to), { recursive: true });
  if (await exists(to)) await rmdir(to); // empty, checked above
  try {
    await rename(from, to);
    ctx.events.emit('library.moveProgress', {
      ...progress,
      filesDone: files.length,
      bytesDone: bytesTotal,
      done: true,
    });
    return { movedFiles: files.length, movedBytes: bytesTotal };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
  }

  try {
    await mkdir(to);
    for (const entry of entries) {
      const source = path.join(from, entry.relative);
      const target = path.join(to, entry.relative);
      if (entry.kind === 'dir') await mkdir(target);
      else if (entry.kind === 'link') await symlink(await readlink(source), target);
      else {
        await copyFile(source, target, constants.COPYFILE_EXCL);
        if ((await lstat(target)).size !== entry.size)
          throw new Error(`copy of ${entry.relative} is incomplete`);
        progress.filesDone += 1;
        progress.bytesDone += entry.size;
        ctx.events.emit('library.moveProgress', progress);
      }
    }
  } catch (error) {
    await rm(to, { recursive: true, force: true });
    throw new ContractError(
      'internal',
      `Moving the library failed (${error instanceof Error ? error.message : String(error)}); it stays in ${from}.`,
    );
  }
  await rm(from, { recursive: true, force: true });
  ctx.events.emit('library.moveProgress', { ...progress, done: true });
  return { movedFiles: files.length, movedBytes: bytesTotal };
}

/** A folder the system refuses (no permission, read-only) is the user's to change: said in words, not a 500. */
function refusedFolder(error: unknown, to: string): never {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    throw new ContractError(
      'invalid_input',
      `Cannot write to ${to}: ${code === 'EROFS' ? 'the disk is read-only' : 'permission denied'}. Choose a folder you can write to; the library stays where it is.`,
    );
  }
  throw error;
}
