import { SlipwayError } from '../../errors.js';
import { execForm } from '../dockerfile-template.js';
import { planInstall, type NodePackageJson } from './node-install.js';

interface PackageJson extends NodePackageJson {
  main?: string;
  scripts?: Record<string, string>;
}

export interface NodejsPlan {
  manifests: string[];
  installCommand: string;
  buildSteps: string;
  /** A RUN line removing dev dependencies, or empty when NODE_ENV is not production. */
  pruneStep: string;
  nodeEnv: string;
  startCommand: string;
  reasons: string[];
}

/** The lockfiles any package manager writes: what the planner reads and the deps stage copies. */
export const NODE_LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml'];

/**
 * How to build a Node.js app as OpenShift's nodejs S2I image would, from its package.json,
 * lockfiles, top-level files and `.s2i/environment` switches:
 * - install with the app's package manager (see node-install.ts), frozen when the lockfile
 *   matches package.json, else a plain install and a warning;
 * - a `build` script → run it; NODE_ENV (default `production`, `development` with DEV_MODE=true)
 *   set in the image, dev dependencies pruned only when `production`;
 * - start the script NPM_RUN names (default `start`) with `node <file>` directly when the
 *   script is just that (npm as PID 1 swallows SIGTERM), else through npm; with no start
 *   script, `main`, else server.js/index.js/app.js. NPM_RUN set at run time picks another
 *   script the same way.
 */
export function planNodejs(params: {
  packageJson: string;
  files: string[];
  /** The texts of the lockfiles among `files`. */
  lockTexts?: Record<string, string>;
  /** `.s2i/environment` with `.s2i/runtime-environment` over it. */
  env?: Record<string, string>;
  /** A lockfile above the context dir (a workspace root's), relative to the context dir. */
  outsideLockfile?: string;
}): NodejsPlan {
  let pkg: PackageJson;
  try {
    pkg = JSON.parse(params.packageJson) as PackageJson;
  } catch {
    throw new SlipwayError('BUILD_STRATEGY_UNKNOWN', 'package.json is not valid JSON');
  }
  if (typeof pkg !== 'object' || pkg === null) throw new SlipwayError('BUILD_STRATEGY_UNKNOWN', 'package.json is not a JSON object');
  const env = params.env ?? {};
  const files = new Set(params.files);
  const install = planInstall({ pkg, files, lockTexts: params.lockTexts ?? {} });
  const outside = !install.lockfiles.length && params.outsideLockfile ? params.outsideLockfile : undefined;
  const scripts = pkg.scripts ?? {};
  // An .npmrc (e.g. `//registry.npmjs.org/:_authToken=${NPM_TOKEN}`) must be there for the install.
  const npmrc = files.has('.npmrc') ? ['.npmrc'] : [];
  const nodeEnv = nodeEnvironment(env);
  const start = startPlan(pkg, files, env.NPM_RUN);
  return {
    manifests: ['package.json', ...install.lockfiles, ...npmrc],
    installCommand: outside ? `echo "slipway: the lockfile is outside the context dir, so Docker cannot see it; installing without one" && ${install.install}` : install.install,
    buildSteps: typeof scripts.build === 'string' ? `RUN ${install.run} build` : '',
    pruneStep: nodeEnv.value === 'production' && install.prune ? `RUN ${install.prune}` : '',
    nodeEnv: nodeEnv.value,
    startCommand: start.command,
    reasons: [
      ...install.reasons,
      ...(outside ? [`lockfile: ${outside} lies outside the context dir and is not used (versions resolve afresh); a context dir at the workspace root would use it`] : []),
      ...(typeof scripts.build === 'string' ? [`build: ${install.manager} run build (scripts.build)`] : []),
      ...(nodeEnv.from ? [`NODE_ENV=${nodeEnv.value} (${nodeEnv.from})${nodeEnv.value === 'production' ? '' : ': dev dependencies kept'}`] : []),
      `start: ${start.argv.join(' ')} (${start.from})`,
    ],
  };
}

function nodeEnvironment(env: Record<string, string>): { value: string; from?: string } {
  const value = env.NODE_ENV ?? (env.DEV_MODE === 'true' ? 'development' : 'production');
  // It lands in an ENV line of the runtime stage.
  if (!/^[\w.-]+$/.test(value)) throw new SlipwayError('BUILD_S2I_INVALID', `NODE_ENV "${value}" is not a plain word`);
  if (env.NODE_ENV !== undefined) return { value, from: 'NODE_ENV in .s2i' };
  return env.DEV_MODE === 'true' ? { value, from: 'DEV_MODE=true in .s2i' } : { value };
}

/** `node <file>`: started directly, no npm in between. */
const DIRECT = /^node\s+([\w./-]+)$/;
/** One command of plain words (`next start`, `NODE_ENV=production node --enable-source-maps dist.js`): nothing for a shell to read. */
const PLAIN = /^[\w./:@%+,=-]+(?:\s+[\w./:@%+,=-]+)*$/;
/** What npm puts first on PATH for a script: the app's own tools (`next`, `nest`, `ts-node`). */
const NPM_PATH = 'PATH="$PWD/node_modules/.bin:$PATH"';

/**
 * How the start line runs script `name` without npm, or undefined when only npm can (shell
 * syntax, or a pre/post script npm would run around it): `node <file>` as it is; another plain
 * command through `env`, with node_modules/.bin on PATH as npm would. npm as PID 1 does not let
 * the server stop gracefully: on SIGTERM the `sh -c` it runs the script in dies, npm exits, and
 * the server is killed with the container before its own SIGTERM handler runs.
 */
function withoutNpm(name: string, scripts: Record<string, string>): { argv: string[]; run: string } | undefined {
  const text = scripts[name]!.trim();
  const direct = DIRECT.exec(text);
  if (direct) return { argv: ['node', direct[1]!], run: `exec node ${shellWord(direct[1]!)}` };
  if (!PLAIN.test(text) || scripts[`pre${name}`] !== undefined || scripts[`post${name}`] !== undefined) return undefined;
  const words = text.split(/\s+/);
  return { argv: words, run: `exec env ${NPM_PATH} ${words.join(' ')}` };
}

/**
 * The start: the planned command runs when NPM_RUN is unset at run time (or names the planned
 * script); another NPM_RUN runs its script, without npm when it can (withoutNpm). A `sh -c`
 * whose every branch `exec`s, so the app (or, for a script only npm can run, npm) is PID 1.
 */
function startPlan(pkg: PackageJson, files: Set<string>, npmRun: string | undefined): { argv: string[]; from: string; command: string } {
  const scripts = Object.fromEntries(Object.entries(pkg.scripts ?? {}).filter(([, text]) => typeof text === 'string'));
  const planned = defaultStart({ pkg, scripts, files, npmRun });
  const arms = [`""${planned.script === undefined ? '' : `|${shellWord(planned.script)}`}) ${planned.run};;`];
  for (const name of Object.keys(scripts)) {
    const direct = name !== planned.script && scripts[name]!.trim() ? withoutNpm(name, scripts) : undefined;
    if (direct) arms.push(`${shellWord(name)}) ${direct.run};;`);
  }
  const line = `case "$NPM_RUN" in ${arms.join(' ')} *) exec npm run "$NPM_RUN";; esac`;
  return { argv: planned.argv, from: planned.from, command: execForm(['/bin/sh', '-c', line]) };
}

function defaultStart(params: { pkg: PackageJson; scripts: Record<string, string>; files: Set<string>; npmRun: string | undefined }): { argv: string[]; run: string; from: string; script?: string } {
  const { pkg, scripts, files, npmRun } = params;
  const name = npmRun ?? 'start';
  const text = Object.prototype.hasOwnProperty.call(scripts, name) ? scripts[name]!.trim() : '';
  if (npmRun !== undefined && !text) throw new SlipwayError('BUILD_S2I_INVALID', `NPM_RUN=${npmRun} in .s2i names no script of package.json`);
  if (text) {
    const from = npmRun === undefined ? 'scripts.start' : `NPM_RUN=${npmRun} in .s2i`;
    const npm = name === 'start' ? ['npm', 'start'] : ['npm', 'run', name];
    return { ...(withoutNpm(name, scripts) ?? { argv: npm, run: `exec ${npm.map(shellWord).join(' ')}` }), from, script: name };
  }
  const node = (file: string) => ({ argv: ['node', file], run: `exec node ${shellWord(file)}` });
  if (typeof pkg.main === 'string' && pkg.main) return { ...node(pkg.main), from: 'package.json main' };
  const entry = ['server.js', 'index.js', 'app.js'].find((f) => files.has(f));
  if (entry) return { ...node(entry), from: `${entry} found` };
  throw new SlipwayError('BUILD_STRATEGY_UNKNOWN', 'package.json has no "start" script or "main", and no server.js, index.js or app.js exists');
}

/** A word the shell takes as it is: plain ones bare, anything else single-quoted. */
function shellWord(word: string): string {
  return /^[\w./:@=+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
