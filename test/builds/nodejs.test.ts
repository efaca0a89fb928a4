import { planNodejs } from '../../src/builds/builders/nodejs.js';

const pkg = (p: object) => JSON.stringify(p);

describe('planNodejs', () => {
  test.each([
    [
      'lockfile, node start script',
      pkg({ scripts: { start: 'node server.js' } }),
      ['package.json', 'package-lock.json', 'server.js'],
      { manifests: ['package.json', 'package-lock.json'], installCommand: 'npm ci --no-audit --no-fund', buildSteps: '', startCommand: '["node","server.js"]' },
    ],
    [
      'no lockfile falls back to npm install',
      pkg({ scripts: { start: 'node index.js' } }),
      ['package.json'],
      { manifests: ['package.json'], installCommand: 'npm install --no-audit --no-fund', buildSteps: '', startCommand: '["node","index.js"]' },
    ],
    [
      'shrinkwrap counts as a lockfile',
      pkg({ main: 'lib/app.js' }),
      ['package.json', 'npm-shrinkwrap.json'],
      { manifests: ['package.json', 'npm-shrinkwrap.json'], installCommand: 'npm ci --no-audit --no-fund', buildSteps: '', startCommand: '["node","lib/app.js"]' },
    ],
    [
      'build script runs; complex start goes through npm',
      pkg({ scripts: { build: 'tsc', start: 'NODE_OPTIONS=--x node dist/main.js' } }),
      ['package.json', 'package-lock.json'],
      { manifests: ['package.json', 'package-lock.json'], installCommand: 'npm ci --no-audit --no-fund', buildSteps: 'RUN npm run build', startCommand: '["npm","start"]' },
    ],
    [
      'no start script, no main: server.js',
      pkg({}),
      ['package.json', 'server.js', 'index.js'],
      { manifests: ['package.json'], installCommand: 'npm install --no-audit --no-fund', buildSteps: '', startCommand: '["node","server.js"]' },
    ],
    [
      'an .npmrc is copied with the manifests (it may read a build secret such as NPM_TOKEN)',
      pkg({ main: 'index.js' }),
      ['package.json', 'package-lock.json', '.npmrc'],
      { manifests: ['package.json', 'package-lock.json', '.npmrc'], installCommand: 'npm ci --no-audit --no-fund', buildSteps: '', startCommand: '["node","index.js"]' },
    ],
  ])('%s', (_name, packageJson, files, expected) => {
    expect(planNodejs({ packageJson, files })).toMatchObject(expected);
  });

  test('the plan says why it chose what it did', () => {
    expect(planNodejs({ packageJson: pkg({ scripts: { build: 'tsc', start: 'node dist/main.js' } }), files: ['package.json', 'package-lock.json'] }).reasons).toEqual([
      'install: npm ci (package-lock.json found)',
      'build: npm run build (scripts.build)',
      'start: node dist/main.js (scripts.start)',
    ]);
  });

  test.each([
    ['invalid JSON', '{', ['package.json'], /not valid JSON/],
    ['nothing to start', pkg({ scripts: { test: 'jest' } }), ['package.json', 'lib.js'], /no "start" script/],
  ])('%s is a clear error', (_name, packageJson, files, message) => {
    expect(() => planNodejs({ packageJson, files })).toThrow(expect.objectContaining({ code: 'BUILD_STRATEGY_UNKNOWN', message: expect.stringMatching(message) }));
  });
});
