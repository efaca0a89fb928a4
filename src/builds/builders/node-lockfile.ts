import { parse as parseYaml } from 'yaml';
import { npmRangeAdmits } from '../versions/version-range.js';

/** The dependency fields of a package.json that a lockfile must cover. */
export interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/**
 * Whether a lockfile was written for this package.json, as the frozen install would judge it:
 * `stale` names the dependencies it lacks or locks at a version the spec no longer allows.
 * A check that cannot tell (a URL spec, a linked workspace) counts as in sync: the frozen
 * install decides then, and the install command falls back if it refuses.
 */
export type LockSync = { inSync: true } | { inSync: false; stale: string[]; why: string };

const IN_SYNC: LockSync = { inSync: true };

function specs(pkg: Manifest): [string, string][] {
  const all = { ...pkg.optionalDependencies, ...pkg.devDependencies, ...pkg.dependencies };
  return Object.entries(all).filter(([, spec]) => typeof spec === 'string');
}

function verdict(stale: string[], why: string): LockSync {
  return stale.length ? { inSync: false, stale: stale.sort(), why } : IN_SYNC;
}

interface NpmLock {
  lockfileVersion?: number;
  packages?: Record<string, { version?: string }>;
  dependencies?: Record<string, { version?: string }>;
}

/**
 * package-lock.json / npm-shrinkwrap.json, as `npm ci` judges it (npm 7+): each dependency of
 * package.json must be locked (v2/v3: `packages["node_modules/<name>"]`; v1: `dependencies`)
 * at a version its spec allows. A dependency the lockfile has and package.json dropped is no
 * reason for `npm ci` to refuse, so none here.
 */
export function npmLockSync(pkg: Manifest, lockText: string): LockSync {
  let lock: NpmLock;
  try {
    lock = JSON.parse(lockText) as NpmLock;
  } catch {
    return { inSync: false, stale: [], why: 'is not valid JSON' };
  }
  const modern = (lock.lockfileVersion ?? 1) >= 2 && typeof lock.packages === 'object' && lock.packages !== null;
  const locked = (name: string) => (modern ? own(lock.packages, `node_modules/${name}`) : own(lock.dependencies, name));
  const stale = specs(pkg).filter(([name, spec]) => {
    const entry = locked(name);
    if (!entry) return true;
    return typeof entry.version === 'string' && npmRangeAdmits(entry.version, spec) === false;
  });
  return verdict(stale.map(([name]) => name), 'lacks or locks another version of');
}

/**
 * yarn.lock, as `yarn install --frozen-lockfile` (v1) or `--immutable` (v2+) judges it: every
 * `name@spec` of package.json is a key of the lockfile (v2+ writes npm ranges as `name@npm:spec`).
 */
export function yarnLockSync(pkg: Manifest, lockText: string): LockSync {
  const keys = new Set<string>();
  for (const line of lockText.split('\n')) {
    if (!line || /^[\s#]/.test(line) || !line.trimEnd().endsWith(':')) continue;
    // `ms@^2.1.1, "@scope/x@^1":` (yarn 1) or `"ms@npm:2.1.3, ms@npm:^2.1.1":` (yarn 2+).
    const list = line.trimEnd().slice(0, -1).replace(/^"([^"]*)"$/, '$1');
    for (const key of list.split(/,\s*/)) keys.add(key.trim().replace(/^"(.*)"$/, '$1'));
  }
  const stale = specs(pkg).filter(([name, spec]) => !keys.has(`${name}@${spec}`) && !keys.has(`${name}@npm:${spec}`));
  return verdict(stale.map(([name]) => name), 'has no entry for');
}

type PnpmDeps = Record<string, string | { specifier?: string }>;
interface PnpmLock {
  importers?: Record<string, Record<string, PnpmDeps | undefined>>;
  specifiers?: Record<string, string>;
  dependencies?: PnpmDeps;
  devDependencies?: PnpmDeps;
  optionalDependencies?: PnpmDeps;
}

/**
 * pnpm-lock.yaml, as `pnpm install --frozen-lockfile` judges it: the root project's specifiers
 * (v6+: `importers["."]` or the top level, each `{specifier, version}`; v5: `specifiers`) are
 * exactly package.json's, both ways: pnpm refuses a lockfile with a dependency package.json dropped.
 */
export function pnpmLockSync(pkg: Manifest, lockText: string): LockSync {
  let lock: PnpmLock;
  try {
    lock = (parseYaml(lockText) ?? {}) as PnpmLock;
  } catch {
    return { inSync: false, stale: [], why: 'is not valid YAML' };
  }
  const root = own(lock.importers, '.') ?? lock;
  const locked = new Map<string, string>(Object.entries(lock.specifiers ?? {}));
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies'] as const) {
    for (const [name, entry] of Object.entries(root[field] ?? {})) {
      if (typeof entry === 'object' && entry !== null && typeof entry.specifier === 'string') locked.set(name, entry.specifier);
    }
  }
  const wanted = new Map(specs(pkg));
  const stale = [...new Set([...wanted.keys(), ...locked.keys()])].filter((name) => wanted.get(name) !== locked.get(name));
  return verdict(stale, 'has other specifiers than package.json for');
}

/** A record's own property: a hostile package.json may name `__proto__` or `constructor`. */
function own<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  return record && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}
