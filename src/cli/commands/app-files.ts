import type { Release } from '../../store/types.js';
import { apiPath, withQuery } from '../api-path.js';
import type { ApiClient } from '../client.js';
import { readUploads } from '../read-upload.js';
import { settle } from './lifecycle.js';

type Print = (line: string) => void;
/** `files` (config files, a ConfigMap) or `secret-files` (a Secret): the API's path segment. */
export type FilesSegment = 'files' | 'secret-files';
interface FileSetView {
  version: string | null;
  mounts: Array<{ path: string; dir: boolean; files: Array<{ name: string; size: number; sha256?: string }> }>;
}
type Changed = FileSetView & { release: Release | null };

/** `config-file set <app> <path>=@<file|dir/>...`: every pair in one request, so one release. */
export async function fileSetCommand(params: { client: ApiClient; segment: FilesSegment; app: string; pairs: string[]; wait: boolean; print: Print }): Promise<void> {
  const { client, segment, app, print } = params;
  const uploads = await readUploads(params.pairs);
  for (const u of uploads) if (u.skipped.length) print(`${u.path}: skipped ${u.skipped.join(', ')} (only regular files are sent)`);
  const body = Object.fromEntries(uploads.map((u) => [u.path, u.upload]));
  const result = await client.request<Changed>('PUT', apiPath`/apps/${app}/${segment}`, body);
  printFiles(result, print);
  await settle({ client, app, release: result.release, wait: params.wait, print, what: 'Files set' });
}

export async function fileRemoveCommand(params: { client: ApiClient; segment: FilesSegment; app: string; path: string; wait: boolean; print: Print }): Promise<void> {
  const { client, segment, app, print } = params;
  const result = await client.request<Changed>('DELETE', withQuery(apiPath`/apps/${app}/${segment}`, { path: params.path }));
  printFiles(result, print);
  await settle({ client, app, release: result.release, wait: params.wait, print, what: 'Files removed' });
}

export async function fileListCommand(params: { client: ApiClient; segment: FilesSegment; app: string; print: Print }): Promise<void> {
  printFiles(await params.client.get<FileSetView>(apiPath`/apps/${params.app}/${params.segment}`), params.print);
}

/** One line a file: where the container sees it, its size, and a config file's sha256 (12 digits); never contents. */
function printFiles(view: FileSetView, print: Print): void {
  if (!view.mounts.length) {
    print('(no files)');
    return;
  }
  print(['PATH'.padEnd(48), 'SIZE'.padStart(9), 'SHA256'].join(' '));
  for (const mount of view.mounts) {
    for (const file of mount.files) {
      const where = mount.dir ? `${mount.path}/${file.name}` : mount.path;
      print([where.padEnd(48), String(file.size).padStart(9), file.sha256 ? file.sha256.slice(0, 12) : '(secret)'].join(' '));
    }
  }
  print(`version: ${view.version}`);
}
