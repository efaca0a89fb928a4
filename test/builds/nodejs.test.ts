import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { planInstall } from '../../src/builds/builders/node-install.js';
import { npmLockSync, pnpmLockSync, yarnLockSync } from '../../src/builds/builders/node-lockfile.js';
import { planNodejs } from '../../src/builds/builders/nodejs.js';
import { planNodejsApp } from '../../src/builds/builders/nodejs-app.js';
import { npmRangeAdmits } from '../../src/builds/versions/version-range.js';

const pkg = (p: object) => JSON.stringify(p);
const NPM_CI = `npm ci --include=dev --no-audit --no-fund || { echo "slipway: npm ci failed; running npm install instead (OpenShift's S2I does the same)"; npm install --include=dev --no-audit --no-fund; }`;
const NPM_INSTALL = 'npm install --include=dev --no-audit --no-fund';
const STALE_NPM = `echo "slipway: package-lock.json is out of sync with package.json; running npm install instead (OpenShift's S2I does the same)" && ${NPM_INSTALL}`;
/** The start line for a planned argv with no other `node <file>` scripts. */
/** How a plain script runs without npm (npm as PID 1 does not let the server stop gracefully). */
const viaEnv = (words: string) => `exec env PATH="$PWD/node_modules/.bin:$PATH" ${words}`;
const startLine = (arm: string) => JSON.stringify(['/bin/sh', '-c', `case "$NPM_RUN" in ${arm} *) exec npm run "$NPM_RUN";; esac`]);

/** A v3 package-lock.json locking `locked` (name → version), written for `root` (name → spec). */
const lockV3 = (root: Record<string, string>, locked: Record<string, string>) =>
  JSON.stringify({
    lockfileVersion: 3,
    packages: { '': { dependencies: root }, ...Object.fromEntries(Object.entries(locked).map(([n, v]) => [`node_modules/${n}`, { version: v }])) },
  });
const lockV1 = (locked: Record<string, string>) => JSON.stringify({ lockfileVersion: 1, dependencies: Object.fromEntries(Object.entries(locked).map(([n, v]) => [n, { version: v }])) });

describe('planNodejs', () => {
  test.each([
    [
      'lockfile in sync, node start script',
      pkg({ scripts: { start: 'node server.js' }, dependencies: { ms: '2.1.3' } }),
      ['package.json', 'package-lock.json', 'server.js'],
      { manifests: ['package.json', 'package-lock.json'], installCommand: NPM_CI, buildSteps: '', pruneStep: 'RUN npm prune --omit=dev --no-audit --no-fund', nodeEnv: 'production', startCommand: startLine('""|start) exec node server.js;;') },
    ],
    [
      'no lockfile falls back to npm install',
      pkg({ scripts: { start: 'node index.js' } }),
      ['package.json'],
      { manifests: ['package.json'], installCommand: NPM_INSTALL, buildSteps: '', startCommand: startLine('""|start) exec node index.js;;') },
    ],
    [
      'shrinkwrap counts as a lockfile',
      pkg({ main: 'lib/app.js' }),
      ['package.json', 'npm-shrinkwrap.json'],
      { manifests: ['package.json', 'npm-shrinkwrap.json'], installCommand: NPM_CI, buildSteps: '', startCommand: startLine('"") exec node lib/app.js;;') },
    ],
    [
      'build script runs; a plain start command runs without npm, with node_modules/.bin on PATH',
      pkg({ scripts: { build: 'tsc', start: 'NODE_OPTIONS=--x node dist/main.js' } }),
      ['package.json', 'package-lock.json'],
      { manifests: ['package.json', 'package-lock.json'], installCommand: NPM_CI, buildSteps: 'RUN npm run build', startCommand: startLine(`""|start) ${viaEnv('NODE_OPTIONS=--x node dist/main.js')};; build) ${viaEnv('tsc')};;`) },
    ],
    [
      'a start that needs a shell, or has a prestart script, goes through npm',
      pkg({ scripts: { prestart: 'node migrate.js', start: 'next start', serve: 'node a.js && node b.js' } }),
      ['package.json', 'package-lock.json'],
      { startCommand: startLine('""|start) exec npm start;; prestart) exec node migrate.js;;') },
    ],
    [
      'no start script, no main: server.js',
      pkg({}),
      ['package.json', 'server.js', 'index.js'],
      { manifests: ['package.json'], installCommand: NPM_INSTALL, buildSteps: '', startCommand: startLine('"") exec node server.js;;') },
    ],
    [
      'an .npmrc is copied with the manifests (it may read a build secret such as NPM_TOKEN)',
      pkg({ main: 'index.js' }),
      ['package.json', 'package-lock.json', '.npmrc'],
      { manifests: ['package.json', 'package-lock.json', '.npmrc'], installCommand: NPM_CI, buildSteps: '', startCommand: startLine('"") exec node index.js;;') },
    ],
    [
      'other plain scripts start without npm when NPM_RUN names them at run time',
      pkg({ scripts: { start: 'node server.js', worker: 'node jobs/worker.js', dev: 'nodemon server.js' } }),
      ['package.json'],
      { startCommand: startLine(`""|start) exec node server.js;; worker) exec node jobs/worker.js;; dev) ${viaEnv('nodemon server.js')};;`) },
    ],
    [
      'a main that is no plain word is quoted for the shell',
      pkg({ main: "it's $HOME.js" }),
      ['package.json'],
      { startCommand: startLine(`"") exec node 'it'\\''s $HOME.js';;`) },
    ],
  ])('%s', (_name, packageJson, files, expected) => {
    expect(planNodejs({ packageJson, files, lockTexts: { 'package-lock.json': lockV3({ ms: '2.1.3' }, { ms: '2.1.3' }), 'npm-shrinkwrap.json': lockV3({}, {}) } })).toMatchObject(expected);
  });

  test('the plan says why it chose what it did', () => {
    expect(planNodejs({ packageJson: pkg({ scripts: { build: 'tsc', start: 'node dist/main.js' } }), files: ['package.json', 'package-lock.json'], lockTexts: { 'package-lock.json': lockV3({}, {}) } }).reasons).toEqual([
      'install: npm ci (package-lock.json found)',
      'build: npm run build (scripts.build)',
      'start: node dist/main.js (scripts.start)',
    ]);
  });

  test('a stale package-lock.json: npm install with a warning line, and the reason names what is stale', () => {
    const plan = planNodejs({
      packageJson: pkg({ scripts: { start: 'node server.js' }, dependencies: { ms: '2.1.3', depd: '2.0.0' } }),
      files: ['package.json', 'package-lock.json'],
      lockTexts: { 'package-lock.json': lockV3({ ms: '2.1.3' }, { ms: '2.1.3' }) },
    });
    expect(plan.manifests).toEqual(['package.json', 'package-lock.json']);
    expect(plan.installCommand).toBe(STALE_NPM);
    expect(plan.reasons[0]).toBe('install: npm install, not npm ci: package-lock.json is out of sync with package.json (it lacks or locks another version of depd)');
  });

  // OpenShift's nodejs S2I switches, from .s2i/environment (and .s2i/runtime-environment).
  test.each([
    ['NODE_ENV defaults to production, dev dependencies pruned', {}, { nodeEnv: 'production', pruneStep: 'RUN npm prune --omit=dev --no-audit --no-fund' }, []],
    ['NODE_ENV=development keeps dev dependencies', { NODE_ENV: 'development' }, { nodeEnv: 'development', pruneStep: '' }, ['NODE_ENV=development (NODE_ENV in .s2i): dev dependencies kept']],
    ['DEV_MODE=true means development', { DEV_MODE: 'true' }, { nodeEnv: 'development', pruneStep: '' }, ['NODE_ENV=development (DEV_MODE=true in .s2i): dev dependencies kept']],
    ['NODE_ENV wins over DEV_MODE', { DEV_MODE: 'true', NODE_ENV: 'production' }, { nodeEnv: 'production', pruneStep: 'RUN npm prune --omit=dev --no-audit --no-fund' }, ['NODE_ENV=production (NODE_ENV in .s2i)']],
    ['NPM_RUN names the script to start (directly when it is node <file>)', { NPM_RUN: 'serve' }, { startCommand: startLine(`""|serve) exec node serve.js;; start) exec node server.js;; prod) ${viaEnv('node --enable-source-maps dist.js')};;`) }, ['start: node serve.js (NPM_RUN=serve in .s2i)']],
    ['NPM_RUN of a plain script that is more than node <file>: through env, not npm', { NPM_RUN: 'prod' }, { startCommand: startLine(`""|prod) ${viaEnv('node --enable-source-maps dist.js')};; start) exec node server.js;; serve) exec node serve.js;;`) }, ['start: node --enable-source-maps dist.js (NPM_RUN=prod in .s2i)']],
  ])('%s', (_name, env, expected, reasons) => {
    const plan = planNodejs({ packageJson: pkg({ scripts: { start: 'node server.js', serve: 'node serve.js', prod: 'node --enable-source-maps dist.js' } }), files: ['package.json'], env });
    expect(plan).toMatchObject(expected);
    for (const reason of reasons) expect(plan.reasons).toContain(reason);
  });

  test('a workspace package whose lockfile is at the repo root: installed without it, and said so', () => {
    const plan = planNodejs({ packageJson: pkg({ scripts: { start: 'node server.js' } }), files: ['package.json'], outsideLockfile: '../../package-lock.json' });
    expect(plan.installCommand).toBe(`echo "slipway: the lockfile is outside the context dir, so Docker cannot see it; installing without one" && ${NPM_INSTALL}`);
    expect(plan.reasons).toContain('lockfile: ../../package-lock.json lies outside the context dir and is not used (versions resolve afresh); a context dir at the workspace root would use it');
    // A lockfile of its own wins, and nothing is said.
    const own = planNodejs({ packageJson: pkg({ main: 'a.js' }), files: ['package.json', 'package-lock.json'], lockTexts: { 'package-lock.json': lockV3({}, {}) }, outsideLockfile: '../package-lock.json' });
    expect(own.installCommand).toBe(NPM_CI);
  });

  test.each([
    ['invalid JSON', '{', ['package.json'], {}, 'BUILD_STRATEGY_UNKNOWN', /not valid JSON/],
    ['nothing to start', pkg({ scripts: { test: 'jest' } }), ['package.json', 'lib.js'], {}, 'BUILD_STRATEGY_UNKNOWN', /no "start" script/],
    ['NPM_RUN naming no script', pkg({ scripts: { start: 'node a.js' } }), ['package.json'], { NPM_RUN: 'serve' }, 'BUILD_S2I_INVALID', /NPM_RUN=serve in \.s2i names no script/],
    ['NODE_ENV that is no plain word', pkg({ main: 'a.js' }), ['package.json'], { NODE_ENV: 'x y' }, 'BUILD_S2I_INVALID', /NODE_ENV "x y"/],
  ])('%s is a clear error', (_name, packageJson, files, env, code, message) => {
    expect(() => planNodejs({ packageJson, files, env })).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });
});

// The start line really run by a shell, with `node` and `npm` stand-ins that print how they were called.
describe('the start command under a shell', () => {
  const exec = promisify(execFile);
  let bin: string;
  beforeAll(async () => {
    bin = await mkdtemp(path.join(os.tmpdir(), 'node-start-'));
    for (const tool of ['node', 'npm']) {
      await writeFile(path.join(bin, tool), `#!/bin/sh\necho "${tool} $*"\n`);
      await chmod(path.join(bin, tool), 0o755);
    }
    // The app's own tool, found only on the node_modules/.bin npm would have put on PATH.
    await mkdir(path.join(bin, 'node_modules/.bin'), { recursive: true });
    await writeFile(path.join(bin, 'node_modules/.bin/nodemon'), '#!/bin/sh\necho "nodemon $* (GREETING=$GREETING)"\n');
    await chmod(path.join(bin, 'node_modules/.bin/nodemon'), 0o755);
  });

  test.each([
    ['NPM_RUN unset: the planned start', undefined, 'node server.js'],
    ['NPM_RUN=start: the same, directly', 'start', 'node server.js'],
    ['NPM_RUN naming a node <file> script: directly', 'worker', 'node jobs/worker.js'],
    ['NPM_RUN naming a plain script: without npm, its tools on PATH, its env set', 'dev', 'nodemon server.js (GREETING=hi)'],
    ['NPM_RUN naming a script that needs a shell: npm run', 'both', 'npm run both'],
    ['NPM_RUN with shell characters stays one word', '$(id); x', 'npm run $(id); x'],
  ])('%s', async (_name, npmRun, expected) => {
    const scripts = { start: 'node server.js', worker: 'node jobs/worker.js', dev: 'GREETING=hi nodemon server.js', both: 'node a.js && node b.js' };
    const { startCommand } = planNodejs({ packageJson: pkg({ scripts }), files: ['package.json'] });
    const [shell, flag, line] = JSON.parse(startCommand) as string[];
    const env: Record<string, string> = { PATH: `${bin}:/usr/bin:/bin`, ...(npmRun === undefined ? {} : { NPM_RUN: npmRun }) };
    const { stdout } = await exec(shell!, [flag!, line!], { env, cwd: bin });
    expect(stdout.trim()).toBe(expected);
  });
});

describe('npmLockSync (as npm ci judges a package-lock.json)', () => {
  test.each([
    ['v3, in sync', { dependencies: { ms: '2.1.3' } }, lockV3({ ms: '2.1.3' }, { ms: '2.1.3' }), []],
    ['v3, a dependency the lockfile lacks', { dependencies: { ms: '2.1.3', depd: '^2.0.0' } }, lockV3({ ms: '2.1.3' }, { ms: '2.1.3' }), ['depd']],
    ['v3, a spec the locked version no longer satisfies', { dependencies: { ms: '^3.0.0' } }, lockV3({ ms: '^2.1.0' }, { ms: '2.1.3' }), ['ms']],
    ['v3, a spec changed that the locked version still satisfies (npm ci accepts it)', { dependencies: { ms: '^2.1.0' } }, lockV3({ ms: '2.1.3' }, { ms: '2.1.3' }), []],
    ['v3, a dependency package.json dropped (npm ci accepts it)', { dependencies: {} }, lockV3({ ms: '2.1.3' }, { ms: '2.1.3' }), []],
    ['v3, a dependency moved to devDependencies', { devDependencies: { ms: '2.1.3' } }, lockV3({ ms: '2.1.3' }, { ms: '2.1.3' }), []],
    ['v3, a devDependency the lockfile lacks', { devDependencies: { jest: '29' } }, lockV3({}, {}), ['jest']],
    ['v3, a spec it cannot read (a git URL) is left to npm ci', { dependencies: { x: 'github:a/x' } }, lockV3({ x: 'github:a/x' }, { x: '1.0.0' }), []],
    ['v3, a linked workspace has no version to check', { dependencies: { lib: '*' } }, JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/lib': { link: true, resolved: 'packages/lib' } } }), []],
    ['v1, in sync', { dependencies: { ms: '^2.1.1' } }, lockV1({ ms: '2.1.3' }), []],
    ['v1, a dependency the lockfile lacks', { dependencies: { ms: '2.1.3', depd: '2.0.0' } }, lockV1({ ms: '2.1.3' }), ['depd']],
    ['v1, a spec the locked version does not satisfy', { dependencies: { ms: '~2.0.0' } }, lockV1({ ms: '2.1.3' }), ['ms']],
    ['a name such as __proto__ is no lockfile entry', { dependencies: { ['__proto__']: '1.0.0', constructor: '1.0.0' } }, lockV1({}), ['__proto__', 'constructor']],
  ])('%s', (_name, manifest, lock, stale) => {
    const sync = npmLockSync(manifest, lock);
    expect(sync.inSync ? [] : sync.stale).toEqual(stale);
    expect(sync.inSync).toBe(stale.length === 0);
  });

  test('a lockfile that is no JSON is out of sync', () => expect(npmLockSync({}, '{')).toEqual({ inSync: false, stale: [], why: 'is not valid JSON' }));
});

const YARN_V1 = `# yarn lockfile v1


"@scope/pkg@^1.0.0":
  version "1.2.0"

ms@2.1.3, ms@^2.1.1:
  version "2.1.3"
`;
const YARN_BERRY = `__metadata:
  version: 8

"ms@npm:2.1.3, ms@npm:^2.1.1":
  version: 2.1.3

"app@workspace:.":
  version: 0.0.0-use.local
`;

describe('yarnLockSync (as --frozen-lockfile / --immutable judge a yarn.lock)', () => {
  test.each([
    ['v1, in sync (quoted and listed keys)', { dependencies: { ms: '^2.1.1', '@scope/pkg': '^1.0.0' } }, YARN_V1, []],
    ['v1, a spec with no entry', { dependencies: { ms: '^2.2.0' } }, YARN_V1, ['ms']],
    ['v1, a dependency with no entry', { devDependencies: { depd: '2.0.0' } }, YARN_V1, ['depd']],
    ['v2+, npm: keys in one quoted list', { dependencies: { ms: '^2.1.1' } }, YARN_BERRY, []],
    ['v2+, a dependency with no entry', { dependencies: { ms: '2.1.3', depd: '2.0.0' } }, YARN_BERRY, ['depd']],
  ])('%s', (_name, manifest, lock, stale) => {
    const sync = yarnLockSync(manifest, lock);
    expect(sync.inSync ? [] : sync.stale).toEqual(stale);
  });
});

const PNPM_V9 = `lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      ms:
        specifier: 2.1.3
        version: 2.1.3
    devDependencies:
      depd:
        specifier: ^2.0.0
        version: 2.0.0
`;
const PNPM_V6 = `lockfileVersion: '6.0'
dependencies:
  ms:
    specifier: 2.1.3
    version: 2.1.3
`;
const PNPM_V5 = `lockfileVersion: 5.4
specifiers:
  ms: 2.1.3
dependencies:
  ms: 2.1.3
`;

describe('pnpmLockSync (as --frozen-lockfile judges a pnpm-lock.yaml)', () => {
  test.each([
    ['v9 importers, in sync', { dependencies: { ms: '2.1.3' }, devDependencies: { depd: '^2.0.0' } }, PNPM_V9, []],
    ['v9, a specifier changed (pnpm compares them as written)', { dependencies: { ms: '^2.1.3' }, devDependencies: { depd: '^2.0.0' } }, PNPM_V9, ['ms']],
    ['v9, a dependency package.json dropped (pnpm refuses that too)', { dependencies: { ms: '2.1.3' } }, PNPM_V9, ['depd']],
    ['v6 top level, in sync', { dependencies: { ms: '2.1.3' } }, PNPM_V6, []],
    ['v6, a dependency the lockfile lacks', { dependencies: { ms: '2.1.3', inherits: '2.0.4' } }, PNPM_V6, ['inherits']],
    ['v5 specifiers, in sync', { dependencies: { ms: '2.1.3' } }, PNPM_V5, []],
  ])('%s', (_name, manifest, lock, stale) => {
    const sync = pnpmLockSync(manifest, lock);
    expect(sync.inSync ? [] : sync.stale).toEqual(stale);
  });
});

describe('planInstall: the package manager, its frozen or plain install, its prune', () => {
  const files = (...names: string[]) => new Set(['package.json', ...names]);
  test.each([
    [
      'yarn.lock in sync: yarn 1 frozen',
      { dependencies: { ms: '^2.1.1' } },
      files('yarn.lock'),
      { 'yarn.lock': YARN_V1 },
      {
        lockfiles: ['yarn.lock'],
        install: 'npx --yes yarn@1.22.22 install --frozen-lockfile --non-interactive --production=false',
        run: 'npx --yes yarn@1.22.22 run',
        prune: 'npx --yes yarn@1.22.22 install --production --ignore-scripts --prefer-offline --non-interactive',
        reasons: ['package manager: yarn@1.22.22 (yarn.lock found)', 'install: yarn install --frozen-lockfile (yarn.lock found)'],
      },
    ],
    [
      'yarn.lock stale: plain yarn install with the warning',
      { dependencies: { ms: '^2.1.1', depd: '2.0.0' } },
      files('yarn.lock'),
      { 'yarn.lock': YARN_V1 },
      {
        install: `echo "slipway: yarn.lock is out of sync with package.json; running yarn install instead (OpenShift's S2I does the same)" && npx --yes yarn@1.22.22 install --non-interactive --production=false`,
        reasons: ['package manager: yarn@1.22.22 (yarn.lock found)', 'install: yarn install, not yarn install --frozen-lockfile: yarn.lock is out of sync with package.json (it has no entry for depd)'],
      },
    ],
    [
      'packageManager pins the yarn 1 release',
      { packageManager: 'yarn@1.22.19+sha1.abc', dependencies: { ms: '^2.1.1' } },
      files('yarn.lock'),
      { 'yarn.lock': YARN_V1 },
      { install: 'npx --yes yarn@1.22.19 install --frozen-lockfile --non-interactive --production=false', reasons: ['package manager: yarn@1.22.19 (packageManager yarn@1.22.19)', 'install: yarn install --frozen-lockfile (yarn.lock found)'] },
    ],
    [
      'packageManager yarn 4: @yarnpkg/cli-dist, node_modules linker, immutable, workspaces focus to prune',
      { packageManager: 'yarn@4.5.3', dependencies: { ms: '^2.1.1' } },
      files('yarn.lock'),
      { 'yarn.lock': YARN_BERRY },
      {
        install: 'YARN_NODE_LINKER=node-modules YARN_ENABLE_TELEMETRY=0 npx --yes -p @yarnpkg/cli-dist@4.5.3 yarn install --immutable',
        prune: 'YARN_NODE_LINKER=node-modules YARN_ENABLE_TELEMETRY=0 npx --yes -p @yarnpkg/cli-dist@4.5.3 yarn workspaces focus --all --production',
        reasons: ['package manager: yarn@4.5.3 (packageManager yarn@4.5.3)', 'install: yarn install --immutable (yarn.lock found)', 'node_modules linker (YARN_NODE_LINKER=node-modules)'],
      },
    ],
    [
      'packageManager yarn 3: no built-in prune, dev dependencies kept',
      { packageManager: 'yarn@3.6.4' },
      files(),
      {},
      { install: 'YARN_NODE_LINKER=node-modules YARN_ENABLE_TELEMETRY=0 npx --yes -p @yarnpkg/cli-dist@3.6.4 yarn install --no-immutable', prune: '', reasons: expect.arrayContaining(['dev dependencies kept: yarn 3.6.4 has no built-in prune']) },
    ],
    [
      'pnpm-lock.yaml v9 in sync: pnpm 9 frozen',
      { dependencies: { ms: '2.1.3' }, devDependencies: { depd: '^2.0.0' } },
      files('pnpm-lock.yaml'),
      { 'pnpm-lock.yaml': PNPM_V9 },
      {
        lockfiles: ['pnpm-lock.yaml'],
        install: 'npx --yes pnpm@9 install --frozen-lockfile --production=false',
        run: 'npx --yes pnpm@9 run',
        prune: 'npx --yes pnpm@9 prune --prod',
        reasons: ['package manager: pnpm@9 (pnpm-lock.yaml found)', 'install: pnpm install --frozen-lockfile (pnpm-lock.yaml found)'],
      },
    ],
    ['pnpm-lock.yaml v6: pnpm 8', { dependencies: { ms: '2.1.3' } }, files('pnpm-lock.yaml'), { 'pnpm-lock.yaml': PNPM_V6 }, { install: 'npx --yes pnpm@8 install --frozen-lockfile --production=false' }],
    [
      'pnpm stale: plain install with the warning',
      { dependencies: { ms: '2.1.3', inherits: '2.0.4' } },
      files('pnpm-lock.yaml'),
      { 'pnpm-lock.yaml': PNPM_V6 },
      { install: `echo "slipway: pnpm-lock.yaml is out of sync with package.json; running pnpm install instead (OpenShift's S2I does the same)" && npx --yes pnpm@8 install --no-frozen-lockfile --production=false` },
    ],
    [
      'packageManager pnpm wins over a package-lock.json',
      { packageManager: 'pnpm@9.15.0' },
      files('package-lock.json'),
      { 'package-lock.json': '{}' },
      { lockfiles: [], install: 'npx --yes pnpm@9.15.0 install --no-frozen-lockfile --production=false', reasons: ['package manager: pnpm@9.15.0 (packageManager pnpm@9.15.0)', 'pnpm install (no lockfile)'].map((r, i) => (i ? `install: ${r}` : r)) },
    ],
    ['packageManager npm: the image npm', { packageManager: 'npm@10.2.0' }, files(), {}, { install: NPM_INSTALL, reasons: ["package manager: npm (packageManager npm@10.2.0; the image's npm runs)", 'install: npm install (no lockfile)'] }],
    ['a packageManager version that is no version is ignored', { packageManager: 'pnpm@9; rm -rf /' }, files(), {}, { install: NPM_INSTALL, reasons: ['install: npm install (no lockfile)'] }],
  ])('%s', (_name, manifest, present, lockTexts, expected) => {
    expect(planInstall({ pkg: manifest, files: present, lockTexts })).toMatchObject(expected);
  });
});

describe('npmRangeAdmits (the lockfile check)', () => {
  test.each([
    ['2.1.3', '2.1.3', true],
    ['2.1.3', '=2.1.3', true],
    ['2.1.4', '2.1.3', false],
    ['2.1.3', '^2.0.0', true],
    ['3.0.0', '^2.0.0', false],
    ['0.2.5', '^0.2.3', true],
    ['0.3.0', '^0.2.3', false],
    ['0.0.4', '^0.0.3', false],
    ['1.2.9', '~1.2.3', true],
    ['1.3.0', '~1.2.3', false],
    ['1.9.0', '~1', true],
    ['1.5.0', '1.x', true],
    ['2.0.0', '1', false],
    ['5.0.0', '*', true],
    ['5.0.0', '', true],
    ['2.5.0', '>=2 <3', true],
    ['3.0.0', '>= 2 < 3', false],
    ['1.2.0', '>1.1', true],
    ['1.1.9', '>1.1', false],
    ['1.2.9', '<=1.2', true],
    ['1.3.0', '<=1.2', false],
    ['4.0.0', '^1.0.0 || ^4.0.0', true],
    ['1.5.0', '1.0.0 - 2.0.0', true],
    ['2.0.1', '1.0.0 - 2.0.0', false],
    ['1.0.0', 'latest', undefined],
    ['1.0.0', 'github:a/b', undefined],
    ['1.0.0', 'npm:other@^1', undefined],
    ['1.0.0-beta.1', '^1.0.0', undefined],
    ['1.0.0', '^1.0.0-rc.1', undefined],
  ])('%s in %s: %s', (version, range, expected) => expect(npmRangeAdmits(version, range)).toBe(expected));
});

describe('planNodejsApp (the planner on a checkout)', () => {
  /** A PlanInput over an in-memory repo: paths relative to the repo root. */
  const input = (repo: Record<string, string>, relativeDir: string) => {
    const inContext = (file: string) => path.posix.normalize(path.posix.join(relativeDir, file));
    const names = (dir: string) => Object.keys(repo).filter((f) => path.posix.dirname(f) === dir).map((f) => path.posix.basename(f));
    return {
      contextDir: `/checkout/${relativeDir}`,
      relativeDir,
      files: names(relativeDir === '.' ? '.' : relativeDir),
      read: async (file: string) => repo[inContext(file)],
      list: async (dir: string) => names(inContext(dir)),
    };
  };

  test('reads the lockfile and .s2i switches, and sees a workspace lockfile above the context dir', async () => {
    const repo = {
      'package-lock.json': lockV3({}, {}),
      'packages/api/package.json': pkg({ scripts: { start: 'node server.js', serve: 'node serve.js' }, dependencies: { ms: '2.1.3' } }),
      'packages/api/.s2i/environment': 'NPM_RUN=serve\n',
      'packages/api/.s2i/runtime-environment': 'NODE_ENV=staging\n',
    };
    const plan = await planNodejsApp(input(repo, 'packages/api'));
    expect(plan.values).toMatchObject({ manifests: 'package.json', nodeEnv: 'staging', pruneStep: '', startCommand: startLine('""|serve) exec node serve.js;; start) exec node server.js;;') });
    expect(plan.reasons).toEqual([
      'install: npm install (no lockfile)',
      'lockfile: ../../package-lock.json lies outside the context dir and is not used (versions resolve afresh); a context dir at the workspace root would use it',
      'NODE_ENV=staging (NODE_ENV in .s2i): dev dependencies kept',
      'start: node serve.js (NPM_RUN=serve in .s2i)',
    ]);
  });

  test('at the repo root it looks no higher, and a stale lockfile is read as such', async () => {
    const repo = { 'package.json': pkg({ main: 'a.js', dependencies: { ms: '2.1.3' } }), 'package-lock.json': lockV3({}, {}) };
    const plan = await planNodejsApp(input(repo, '.'));
    expect(plan.values.installCommand).toBe(STALE_NPM);
    expect(plan.reasons[0]).toMatch(/^install: npm install, not npm ci: package-lock.json is out of sync/);
  });
});
