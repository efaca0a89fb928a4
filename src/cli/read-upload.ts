import { lstat, open, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from './client-error.js';

/** What Kubernetes holds in one ConfigMap or Secret (the API refuses more with FILES_TOO_LARGE; the CLI stops before reading it all). */
const MAX_BYTES = 1024 * 1024;

/** One `<mount-path>=@<local path>` argument, read: a file, or every regular file of a directory (base64). */
export interface ReadUpload {
  path: string;
  upload: { content: string } | { files: Record<string, string> };
  /** Entries of a directory that were not sent: symlinks, subdirectories, sockets... */
  skipped: string[];
}

/** `/etc/nginx/nginx.conf=@./nginx.conf` → the mount path and the local path. */
export function parseFileArg(arg: string): { mountPath: string; local: string } {
  const at = arg.indexOf('=@');
  if (at <= 0 || at + 2 === arg.length) throw new CliError(`a file is <mount-path>=@<local file or dir/>, e.g. /etc/nginx/nginx.conf=@./nginx.conf, got "${arg}"`);
  return { mountPath: arg.slice(0, at), local: arg.slice(at + 2) };
}

/**
 * Reads `<mount-path>=@<local>` arguments: a file is sent as it is (the container sees it under
 * the mount path's own name); a directory (or a path ending in `/`) as each regular file in it,
 * not recursive. Inside a directory a symlink is never followed (it could point anywhere on this
 * machine): it is skipped and named. Reads stop past 1 MiB in all, the most one object holds.
 */
export async function readUploads(args: string[]): Promise<ReadUpload[]> {
  let budget = MAX_BYTES;
  const take = async (file: string): Promise<string> => {
    const bytes = await readCapped(file, budget);
    budget -= bytes.length;
    return bytes.toString('base64');
  };
  const out: ReadUpload[] = [];
  for (const arg of args) {
    const { mountPath, local } = parseFileArg(arg);
    // The argument itself is the user's own choice: a symlink there is followed.
    const target = await realpath(local).catch(() => {
      throw new CliError(`${local}: no such file or directory`);
    });
    const stat = await lstat(target);
    if (stat.isFile() && !local.endsWith('/')) {
      out.push({ path: mountPath, upload: { content: await take(target) }, skipped: [] });
      continue;
    }
    if (!stat.isDirectory()) throw new CliError(`${local} is not a regular file or a directory`);
    const files: Record<string, string> = {};
    const skipped: string[] = [];
    for (const entry of (await readdir(target, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.isFile()) files[entry.name] = await take(path.join(target, entry.name));
      else skipped.push(`${entry.name}${entry.isSymbolicLink() ? ' (a symlink)' : entry.isDirectory() ? ' (a directory)' : ''}`);
    }
    if (!Object.keys(files).length) throw new CliError(`${local} holds no regular file`);
    out.push({ path: mountPath, upload: { files }, skipped });
  }
  return out;
}

/** The file's bytes, refusing it when they would pass `limit` (read through one descriptor: no swap between check and read). */
async function readCapped(file: string, limit: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    if (size > limit) throw new CliError(`${file}: the files come to more than ${MAX_BYTES} bytes, the most Kubernetes holds in one ConfigMap or Secret (FILES_TOO_LARGE)`);
    const buffer = Buffer.alloc(limit + 1);
    let read = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, read, buffer.length - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
      if (read > limit) throw new CliError(`${file}: the files come to more than ${MAX_BYTES} bytes, the most Kubernetes holds in one ConfigMap or Secret (FILES_TOO_LARGE)`);
    }
    return buffer.subarray(0, read);
  } finally {
    await handle.close();
  }
}
