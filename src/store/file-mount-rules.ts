import { posix } from 'node:path';
import { SlipwayError } from '../errors.js';
import { FILE_NAME_PATTERN, type FileSet } from './schemas/file-mounts.js';
import type { DeployConfig } from './types.js';

/** Kubernetes refuses a ConfigMap or Secret whose contents exceed 1 MiB (MaxSecretSize, also used for ConfigMaps). */
export const MAX_FILES_BYTES = 1024 * 1024;
/** Paths the kernel or the runtime owns: a mount there would hide or fight them. */
const RESERVED = ['/proc', '/sys', '/dev'];
const NAME = new RegExp(FILE_NAME_PATTERN);

/** Throws FILE_PATH_INVALID unless `path` is absolute, normalized, not `/` and not under /proc, /sys or /dev. */
export function checkMountPath(path: string): void {
  const refuse = (why: string) => {
    throw new SlipwayError('FILE_PATH_INVALID', `mount path "${path}" ${why}`, { path });
  };
  if (!path.startsWith('/')) refuse('must be absolute');
  if (path.length > 1024) refuse('is longer than 1024 characters');
  if (/[\0:\\]/.test(path)) refuse('holds a NUL, a colon or a backslash');
  if (path.split('/').includes('..')) refuse('must not hold `..`');
  if (path === '/') refuse('would hide the whole file system');
  if (posix.normalize(path) !== path || path.endsWith('/')) refuse(`is not normalized (say "${posix.normalize(path).replace(/(.)\/$/, '$1')}")`);
  const reserved = RESERVED.find((r) => path === r || path.startsWith(`${r}/`));
  if (reserved) refuse(`is under ${reserved}, which the kernel and the container runtime own`);
}

/** Throws FILE_PATH_INVALID unless `name` can be a ConfigMap or Secret key and a file name. */
export function checkFileName(name: string, where: string): void {
  if (!NAME.test(name) || name === '.' || name === '..' || name.length > 240) {
    throw new SlipwayError('FILE_PATH_INVALID', `file name "${name}" (${where}) must be 1-240 of [-._a-zA-Z0-9] and not . or .. (a Kubernetes ConfigMap key)`, { path: where, name });
  }
}

/** Whether `a` and `b` are the same path or one holds the other. */
function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

/**
 * The rules a JSON schema cannot say about an app's config and secret files: each mount path
 * valid (checkMountPath), no two mounts (config files, secret files, volumes) at one path or
 * one inside another (FILE_PATH_CONFLICT: a mount inside another would write into it or hide
 * it), and each kind's contents within what one Kubernetes object holds (FILES_TOO_LARGE).
 */
export function checkFileMounts(config: Pick<DeployConfig, 'files' | 'secretFiles' | 'volumes'>): void {
  const taken: Array<{ path: string; what: string }> = (config.volumes ?? []).map((v) => ({ path: v.mountPath, what: `volume ${v.name}` }));
  for (const [kind, set] of [['config file', config.files], ['secret file', config.secretFiles]] as Array<[string, FileSet | undefined]>) {
    if (!set) continue;
    for (const mount of set.mounts) {
      checkMountPath(mount.path);
      for (const entry of mount.entries) checkFileName(entry.name, mount.path);
      const clash = taken.find((t) => overlaps(t.path, mount.path));
      if (clash) {
        throw new SlipwayError('FILE_PATH_CONFLICT', `${kind} path ${mount.path} overlaps ${clash.what} at ${clash.path}: mount each at a path of its own`, { path: mount.path, other: clash.path });
      }
      taken.push({ path: mount.path, what: `the ${kind}${mount.dir ? 's' : ''} mounted` });
    }
    const bytes = set.mounts.reduce((sum, m) => sum + m.entries.reduce((s, e) => s + e.size, 0), 0);
    if (bytes > MAX_FILES_BYTES) {
      throw new SlipwayError('FILES_TOO_LARGE', `the app's ${kind}s come to ${bytes} bytes; Kubernetes holds at most ${MAX_FILES_BYTES} bytes (1 MiB) in one ${kind === 'config file' ? 'ConfigMap' : 'Secret'}`, {
        bytes,
        limit: MAX_FILES_BYTES,
      });
    }
  }
}
