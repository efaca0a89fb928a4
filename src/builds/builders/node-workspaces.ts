import { parse } from 'yaml';
import type { PlanInput } from '../plan.js';

/**
 * A workspace's package folders, so their package.json files reach the install beside the
 * root's: npm, yarn and pnpm install a workspace package's dependencies only when its manifest
 * is there (seen in the corpus: a pnpm 10 workspace whose server package's `express` was never
 * installed). The globs come from pnpm-workspace.yaml `packages`, else package.json
 * `workspaces` (a list, or yarn's `{ packages }`).
 */
export function workspaceGlobs(params: { packageJson: string; pnpmWorkspace?: string }): { globs: string[]; from: string } | undefined {
  if (params.pnpmWorkspace !== undefined) {
    const packages = (safeParse(params.pnpmWorkspace, parse) as { packages?: unknown } | undefined)?.packages;
    return { globs: strings(packages), from: 'pnpm-workspace.yaml' };
  }
  const workspaces = (safeParse(params.packageJson, JSON.parse) as { workspaces?: unknown } | undefined)?.workspaces;
  if (workspaces === undefined) return undefined;
  const list = Array.isArray(workspaces) ? workspaces : (workspaces as { packages?: unknown } | null)?.packages;
  return { globs: strings(list), from: 'package.json workspaces' };
}

/** What to copy before the install: each package folder, or the whole context when a glob is beyond `dir`, `dir/*`. */
export type WorkspaceManifests = { dirs: string[] } | { all: string };

const PLAIN = /^[A-Za-z0-9_.@-]+(\/[A-Za-z0-9_.@-]+)*$/;

/** Resolves `dir` and `dir/*` globs against the context (exclusions `!dir` are honoured); anything else copies everything. */
export async function workspaceManifests(params: { globs: string[]; list: PlanInput['list'] }): Promise<WorkspaceManifests> {
  const dirs = new Set<string>();
  const excluded = new Set(params.globs.filter((g) => g.startsWith('!')).map((g) => clean(g.slice(1))));
  for (const glob of params.globs.filter((g) => !g.startsWith('!')).map(clean)) {
    const star = glob.endsWith('/*') ? glob.slice(0, -2) : undefined;
    const base = star ?? glob;
    if (!PLAIN.test(base) || base.split('/').includes('..')) return { all: `workspace glob "${glob}" is more than a folder or folder/*` };
    const candidates = star !== undefined ? (await params.list(base)).map((name) => `${base}/${name}`) : [base];
    for (const dir of candidates) {
      if (!excluded.has(dir) && (await params.list(dir)).includes('package.json')) dirs.add(dir);
    }
  }
  return { dirs: [...dirs].sort() };
}

/** Dockerfile lines copying each workspace package's manifest to its place. */
export function workspaceCopyLines(manifests: WorkspaceManifests): string {
  if ('all' in manifests) return 'COPY . .';
  return manifests.dirs.map((dir) => `COPY ${dir}/package.json ${dir}/`).join('\n');
}

function clean(glob: string): string {
  return glob.trim().replace(/^\.\//, '').replace(/\/+$/, '');
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.length > 0 && v.length <= 256) : [];
}

function safeParse(text: string, parser: (text: string) => unknown): unknown {
  try {
    return parser(text);
  } catch {
    return undefined;
  }
}
