import type { ReleaseDeps } from '../releases/make-release.js';
import type { FileKind } from '../releases/render/render-files.js';
import { checkDeployConfig } from '../store/deploy-config.js';
import type { AppStore } from '../store/app-store.js';
import { sameJson } from '../store/same-json.js';
import type { SecretStore } from '../store/secret-store.js';
import type { App, Release } from '../store/types.js';
import { changeApp } from './change-app.js';
import { changeFileSet, uploadsOf, type FileUpload } from './file-set-change.js';

type Deps = ReleaseDeps & { apps: AppStore; secrets: SecretStore };

/** A mount as the API lists it: never the contents; a secret file's size only. */
export interface FileMountView {
  path: string;
  dir: boolean;
  files: Array<{ name: string; size: number; sha256?: string }>;
}

export function fileMountViews(app: App, kind: FileKind): { version: string | null; mounts: FileMountView[] } {
  const set = app.deploy[kind];
  return {
    version: set?.version ?? null,
    mounts: (set?.mounts ?? []).map((m) => ({ path: m.path, dir: m.dir, files: m.entries.map((e) => ({ name: e.name, size: e.size, ...(e.sha256 ? { sha256: e.sha256 } : {}) })) })),
  };
}

/**
 * issue 19: sets and removes an app's config files (`files`) or secret files (`secretFiles`).
 * Contents are kept like secret values (sealed in Redis, one version per distinct set); the deploy
 * config records paths, keys, sizes and the version. A change that changes something is one new
 * release of a running app (the whole request at once), so a rollback restores the old files.
 * Refused before anything is stored: bad paths and names, overlaps, more than 1 MiB.
 */
export async function changeFiles(deps: Deps, params: { app: string; kind: FileKind; set?: FileUpload[]; remove?: string[] }): Promise<{ app: App; release?: Release }> {
  const target = await deps.apps.get(params.app);
  const { kind } = params;
  const current = target.deploy[kind];
  const stored = current ? ((await deps.secrets.get(target.name, current.version)) ?? {}) : {};
  const draft = changeFileSet({ current: uploadsOf(current, stored), set: params.set ?? [], remove: params.remove ?? [], digests: kind === 'files' });
  const { [kind]: _old, ...rest } = target.deploy;
  // Checked with a stand-in version first, so contents that break a rule never reach Redis.
  if (draft) checkDeployConfig({ ...rest, [kind]: { version: '0000000000', mounts: draft.mounts } }, target.deploy);
  const next = draft ? { version: await deps.secrets.save(target.name, draft.contents), mounts: draft.mounts } : undefined;
  if (sameJson(next, current)) return { app: target };
  return changeApp(deps, { app: target, deploy: checkDeployConfig(next ? { ...rest, [kind]: next } : rest, target.deploy) });
}
