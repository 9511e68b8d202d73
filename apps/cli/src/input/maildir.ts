import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';

/**
 * The messages of a Maildir: the files of `cur/` (seen by a mail reader) and `new/` (not yet
 * seen). `tmp/` holds deliveries in progress and is skipped, as are dot files. Maildir names
 * start with the delivery time, so sorting by name (without the directory) gives delivery
 * order across both. Returns undefined when `path` is not a Maildir.
 */
export async function maildirFiles(path: string): Promise<string[] | undefined> {
  const subdirs: string[] = [];
  for (const sub of ['cur', 'new']) {
    if (await isDirectory(join(path, sub))) subdirs.push(join(path, sub));
  }
  if (subdirs.length === 0) return undefined;
  const files: string[] = [];
  for (const dir of subdirs) {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.isFile() && !entry.name.startsWith('.')) files.push(join(dir, entry.name));
    }
  }
  return files.sort((a, b) => compare(basename(a), basename(b)) || compare(a, b));
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isDirectory(), () => false);
}

/** Code-unit order: the same on every machine, whatever its locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
