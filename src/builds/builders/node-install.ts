import { npmLockSync, pnpmLockSync, yarnLockSync, type LockSync, type Manifest } from './node-lockfile.js';

export interface NodePackageJson extends Manifest {
  packageManager?: unknown;
}

/**
 * How the deps stage installs and the build stage runs scripts and prunes: the tool, its
 * commands and why. Every command is a shell line of fixed words and checked versions only:
 * names from package.json go into the reasons, never into a command.
 */
export interface InstallPlan {
  manager: 'npm' | 'yarn' | 'pnpm';
  /** Lockfiles to copy with package.json. */
  lockfiles: string[];
  install: string;
  /** `npm run`, `yarn run`, `pnpm run`: prefix of a script's run. */
  run: string;
  /** Removes dev dependencies from node_modules (a RUN line). */
  prune: string;
  reasons: string[];
}

const NPM_FLAGS = '--no-audit --no-fund';
/** yarn 1's last release, from the npm registry (the node image's own yarn is not in every stand-in). */
const YARN_CLASSIC = '1.22.22';
/** pnpm majors by the lockfileVersion they write: 9.0 → pnpm 9, 6.x → pnpm 8, 5.x → pnpm 7. */
const PNPM_BY_LOCKFILE: [RegExp, string][] = [[/^9\./, '9'], [/^6\./, '8'], [/^5\./, '7']];
const VERSION = /^\d+(\.\d+){0,2}(-[\w.]+)?$/;

const warning = (lockfile: string, tool: string) => `echo "slipway: ${lockfile} is out of sync with package.json; running ${tool} install instead (OpenShift's S2I does the same)"`;

/**
 * The package manager: package.json's `packageManager` (as corepack reads it), else the
 * lockfile present (pnpm-lock.yaml, yarn.lock, package-lock.json/npm-shrinkwrap.json), else npm.
 * A frozen install (`npm ci`, `--frozen-lockfile`) when the lockfile matches package.json; else
 * a plain install with a warning in the log, as OpenShift's S2I (which always runs `npm install`)
 * builds such repos. Dev dependencies are installed whatever NODE_ENV says (a build script
 * needs them) and pruned afterwards when `production`.
 */
export function planInstall(params: { pkg: NodePackageJson; files: Set<string>; lockTexts: Record<string, string> }): InstallPlan {
  const { pkg, files, lockTexts } = params;
  const declared = packageManager(pkg.packageManager);
  const name = declared?.name ?? (files.has('pnpm-lock.yaml') ? 'pnpm' : files.has('yarn.lock') ? 'yarn' : 'npm');
  const from = declared ? `packageManager ${declared.name}@${declared.version}` : undefined;
  if (name === 'pnpm') {
    const lockVersion = /^lockfileVersion:\s*'?([\d.]+)/m.exec(lockTexts['pnpm-lock.yaml'] ?? '')?.[1] ?? '';
    const version = declared?.version ?? PNPM_BY_LOCKFILE.find(([re]) => re.test(lockVersion))?.[1] ?? '9';
    const tool = `npx --yes pnpm@${version}`;
    return frozenOrPlain({
      manager: 'pnpm',
      tool,
      label: `pnpm@${version} (${from ?? (files.has('pnpm-lock.yaml') ? 'pnpm-lock.yaml found' : 'default')})`,
      lockfile: files.has('pnpm-lock.yaml') ? 'pnpm-lock.yaml' : undefined,
      sync: (text) => pnpmLockSync(pkg, text),
      lockTexts,
      frozen: { words: 'pnpm install --frozen-lockfile', command: `${tool} install --frozen-lockfile --production=false` },
      plain: `${tool} install --no-frozen-lockfile --production=false`,
      prune: `${tool} prune --prod`,
    });
  }
  if (name === 'yarn') {
    const version = declared?.version ?? YARN_CLASSIC;
    const lockfile = files.has('yarn.lock') ? 'yarn.lock' : undefined;
    const label = `yarn@${version} (${from ?? 'yarn.lock found'})`;
    const sync = (text: string) => yarnLockSync(pkg, text);
    if (version.startsWith('1.')) {
      const tool = `npx --yes yarn@${version}`;
      const flags = '--non-interactive --production=false';
      return frozenOrPlain({
        manager: 'yarn', tool, label, lockfile, sync, lockTexts,
        frozen: { words: 'yarn install --frozen-lockfile', command: `${tool} install --frozen-lockfile ${flags}` },
        plain: `${tool} install ${flags}`,
        // Not --frozen-lockfile: `COPY . .` has put the repo's (maybe stale) yarn.lock back.
        prune: `${tool} install --production --ignore-scripts --prefer-offline --non-interactive`,
      });
    }
    // yarn 2+ is published as @yarnpkg/cli-dist. Its default Plug'n'Play leaves no node_modules
    // for `node server.js` to find: node_modules it is, as with yarn 1.
    const tool = `YARN_NODE_LINKER=node-modules YARN_ENABLE_TELEMETRY=0 npx --yes -p @yarnpkg/cli-dist@${version} yarn`;
    const focus = Number(version.split('.')[0]) >= 4;
    const plan = frozenOrPlain({
      manager: 'yarn', tool, label, lockfile, sync, lockTexts,
      frozen: { words: 'yarn install --immutable', command: `${tool} install --immutable` },
      plain: `${tool} install --no-immutable`,
      // `workspaces focus` is built into yarn 4 only (a plugin before).
      prune: focus ? `${tool} workspaces focus --all --production` : '',
    });
    return { ...plan, reasons: [...plan.reasons, 'node_modules linker (YARN_NODE_LINKER=node-modules)', ...(focus ? [] : [`dev dependencies kept: yarn ${version} has no built-in prune`])] };
  }
  const lockfile = ['package-lock.json', 'npm-shrinkwrap.json'].find((f) => files.has(f));
  const plan = frozenOrPlain({
    manager: 'npm',
    tool: 'npm',
    label: 'npm',
    lockfile,
    sync: (text) => npmLockSync(pkg, text),
    lockTexts,
    // What the check cannot see (a nested mismatch, a spec it cannot read) npm ci still refuses (EUSAGE): install then.
    frozen: {
      words: 'npm ci',
      command: `npm ci --include=dev ${NPM_FLAGS} || { echo "slipway: npm ci failed; running npm install instead (OpenShift's S2I does the same)"; npm install --include=dev ${NPM_FLAGS}; }`,
    },
    plain: `npm install --include=dev ${NPM_FLAGS}`,
    prune: `npm prune --omit=dev ${NPM_FLAGS}`,
  });
  return { ...plan, reasons: [...(declared ? [`package manager: npm (${from}; the image's npm runs)`] : []), ...plan.reasons] };
}

function frozenOrPlain(params: {
  manager: 'npm' | 'yarn' | 'pnpm';
  tool: string;
  label: string;
  lockfile: string | undefined;
  sync: (text: string) => LockSync;
  lockTexts: Record<string, string>;
  frozen: { words: string; command: string };
  plain: string;
  prune: string;
}): InstallPlan {
  const { manager, tool, lockfile } = params;
  const run = `${tool} run`;
  const frozenWords = params.frozen.words;
  const plainWords = `${manager} install`;
  const head = manager === 'npm' ? [] : [`package manager: ${params.label}`];
  if (!lockfile) {
    return { manager, lockfiles: [], install: params.plain, run, prune: params.prune, reasons: [...head, `install: ${plainWords} (no lockfile)`] };
  }
  // A lockfile listed but not read is left to the frozen install (and its fallback) to judge.
  const text = params.lockTexts[lockfile];
  const sync: LockSync = text === undefined ? { inSync: true } : params.sync(text);
  if (sync.inSync) {
    return { manager, lockfiles: [lockfile], install: params.frozen.command, run, prune: params.prune, reasons: [...head, `install: ${frozenWords} (${lockfile} found)`] };
  }
  const what = sync.stale.length ? `${sync.why} ${sync.stale.join(', ')}` : sync.why;
  return {
    manager,
    lockfiles: [lockfile],
    install: `${warning(lockfile, manager)} && ${params.plain}`,
    run,
    prune: params.prune,
    reasons: [...head, `install: ${plainWords}, not ${frozenWords}: ${lockfile} is out of sync with package.json (it ${what})`],
  };
}

/** `packageManager: "pnpm@9.1.0+sha512.…"` → pnpm 9.1.0; anything else is ignored. */
function packageManager(field: unknown): { name: 'npm' | 'yarn' | 'pnpm'; version: string } | undefined {
  if (typeof field !== 'string') return undefined;
  const m = /^(npm|yarn|pnpm)@([^+\s]+)(\+.*)?$/.exec(field.trim());
  return m && VERSION.test(m[2]!) ? { name: m[1] as 'npm' | 'yarn' | 'pnpm', version: m[2]! } : undefined;
}
