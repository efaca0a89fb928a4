import { createHash } from 'node:crypto';
import { SlipwayError } from '../errors.js';
import { checkFileName, checkMountPath } from '../store/file-mount-rules.js';
import type { FileMount, FileSet } from '../store/schemas/file-mounts.js';

/** One mount as a request gives it: a file (one name, the path's last segment) or a directory of files; contents base64. */
export interface FileUpload {
  path: string;
  dir: boolean;
  files: Record<string, string>;
}

/** A file set before the store names its version: the mounts and each key's contents (base64). */
export interface FileSetDraft {
  mounts: FileMount[];
  contents: Record<string, string>;
}

/** The uploads a stored set stands for (its contents read back from the store), to change and draft again. */
export function uploadsOf(set: FileSet | undefined, contents: Record<string, string>): FileUpload[] {
  return (set?.mounts ?? []).map((m) => ({ path: m.path, dir: m.dir, files: Object.fromEntries(m.entries.map((e) => [e.name, contents[e.key] ?? ''])) }));
}

/**
 * The file set after a change: `set` replaces what a path had (or adds the path), `remove`
 * takes paths away (FILE_NOT_FOUND for one not mounted). Mounts sorted by path and keyed
 * `<index>-<name>`, so equal files always draft equally; undefined when no file is left.
 * `digests`: record each file's sha256 (config files; a secret file's would let a reader test guesses). Pure.
 */
export function changeFileSet(params: { current: FileUpload[]; set: FileUpload[]; remove: string[]; digests: boolean }): FileSetDraft | undefined {
  const byPath = new Map(params.current.map((u) => [u.path, u]));
  for (const path of params.remove) {
    if (!byPath.delete(path)) throw new SlipwayError('FILE_NOT_FOUND', `nothing is mounted at ${path}`, { path });
  }
  for (const upload of params.set) {
    checkMountPath(upload.path);
    const names = Object.keys(upload.files);
    if (!upload.dir) {
      const base = upload.path.slice(upload.path.lastIndexOf('/') + 1);
      if (names.length !== 1 || names[0] !== base) throw new SlipwayError('FILE_PATH_INVALID', `a file mount at ${upload.path} holds exactly one file, named ${base}`, { path: upload.path });
    } else if (!names.length) {
      throw new SlipwayError('FILE_PATH_INVALID', `the directory mount at ${upload.path} holds no file`, { path: upload.path });
    }
    for (const name of names) checkFileName(name, upload.path);
    byPath.set(upload.path, upload);
  }
  if (!byPath.size) return undefined;
  const contents: Record<string, string> = {};
  const mounts = [...byPath.values()]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((upload, index): FileMount => ({
      path: upload.path,
      dir: upload.dir,
      entries: Object.keys(upload.files)
        .sort()
        .map((name) => {
          const key = `${index}-${name}`;
          const bytes = Buffer.from(upload.files[name]!, 'base64');
          contents[key] = bytes.toString('base64');
          return { name, key, size: bytes.length, ...(params.digests ? { sha256: createHash('sha256').update(bytes).digest('hex') } : {}) };
        }),
    }));
  return { mounts, contents };
}
