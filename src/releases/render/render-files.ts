import type { FileSet } from '../../store/schemas/file-mounts.js';
import type { DeployConfig } from '../../store/types.js';
import { appLabels, LABELS } from './labels.js';
import type { Manifest } from './manifest.js';

/** Config files go in a ConfigMap, secret files in a Secret; each kind is one object per version. */
export type FileKind = 'files' | 'secretFiles';

const OBJECT_PREFIX: Record<FileKind, string> = { files: 'files', secretFiles: 'secret-files' };

/**
 * File modes: config files readable by anyone in the pod, secret files by owner and group only.
 * The app runs as an arbitrary uid whose group is 0 (or the namespace's fsGroup, which the kubelet
 * gives the files), so group-read is enough and other users of the node's pods get nothing.
 */
export const FILE_MODES: Record<FileKind, number> = { files: 0o444, secretFiles: 0o440 };

/** `<app>-files-<version>` or `<app>-secret-files-<version>`: named by content, like the env ConfigMap. */
export function filesObjectName(params: { app: string; kind: FileKind; version: string }): string {
  return `${params.app}-${OBJECT_PREFIX[params.kind]}-${params.version}`;
}

/**
 * The pod volumes and container mounts of the app's config and secret files: one volume per
 * mount, naming the keys it shows. A file mount uses subPath, so `/etc/nginx/nginx.conf` leaves
 * the rest of `/etc/nginx` as the image has it; a directory mount shows its files alone. Pure.
 */
export function fileWiring(app: string, config: DeployConfig): { volumes: Array<Record<string, unknown>>; mounts: Array<Record<string, unknown>> } {
  const volumes: Array<Record<string, unknown>> = [];
  const mounts: Array<Record<string, unknown>> = [];
  for (const kind of ['files', 'secretFiles'] as const) {
    const set = config[kind];
    if (!set) continue;
    const source = filesObjectName({ app, kind, version: set.version });
    set.mounts.forEach((mount, index) => {
      const name = `${OBJECT_PREFIX[kind]}-${index}`;
      const items = mount.entries.map((e) => ({ key: e.key, path: e.name }));
      const defaultMode = FILE_MODES[kind];
      volumes.push(kind === 'files' ? { name, configMap: { name: source, items, defaultMode } } : { name, secret: { secretName: source, items, defaultMode } });
      mounts.push({ name, mountPath: mount.path, readOnly: true, ...(mount.dir ? {} : { subPath: mount.entries[0]!.name }) });
    });
  }
  return { volumes, mounts };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8(bytes: Buffer): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * The immutable ConfigMap or Secret holding a file set's contents (`contents`: key → base64, as
 * the store keeps them). A ConfigMap keeps UTF-8 text in `data` (readable with kubectl) and
 * anything else in `binaryData`, so bytes survive either way. With `placeholder` (a dry run,
 * which has no contents) every key shows that string instead. Pure.
 */
export function filesObject(params: { app: string; namespace: string; kind: FileKind; set: FileSet; contents?: Record<string, string>; placeholder?: string }): Manifest {
  const { app, namespace, kind, set } = params;
  const metadata = { name: filesObjectName({ app, kind, version: set.version }), namespace, labels: { ...appLabels(app), [LABELS.config]: OBJECT_PREFIX[kind] } };
  const keys = set.mounts.flatMap((m) => m.entries.map((e) => e.key)).sort();
  if (params.placeholder !== undefined) {
    const data = Object.fromEntries(keys.map((k) => [k, params.placeholder!]));
    return kind === 'files' ? { apiVersion: 'v1', kind: 'ConfigMap', metadata, immutable: true, data } : { apiVersion: 'v1', kind: 'Secret', metadata, immutable: true, type: 'Opaque', stringData: data };
  }
  const contents = params.contents ?? {};
  if (kind === 'secretFiles') return { apiVersion: 'v1', kind: 'Secret', metadata, immutable: true, type: 'Opaque', data: Object.fromEntries(keys.map((k) => [k, contents[k] ?? ''])) };
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  for (const key of keys) {
    const bytes = Buffer.from(contents[key] ?? '', 'base64');
    if (isUtf8(bytes)) data[key] = bytes.toString('utf8');
    else binaryData[key] = contents[key]!;
  }
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata, immutable: true, ...(Object.keys(data).length ? { data } : {}), ...(Object.keys(binaryData).length ? { binaryData } : {}) };
}
