import { workspaceCopyLines, workspaceGlobs, workspaceManifests } from '../../src/builds/builders/node-workspaces.js';
import { checkoutReader } from '../../src/builds/checkout-reader.js';
import { PLANNERS } from '../../src/builds/planners.js';
import { DEFAULT_REPO_FILE_LIMIT, RepoFiles } from '../../src/builds/repo-files.js';
import { contextDir } from '../helpers/context-dir.js';

// A workspace package's dependencies are installed only when its package.json is there at
// install time; these decide which manifests are copied before the install.
describe('workspaceGlobs', () => {
  test.each([
    ['pnpm-workspace.yaml wins', { packageJson: '{"workspaces":["apps/*"]}', pnpmWorkspace: "packages:\n  - 'packages/*'\n  - tools\n" }, { globs: ['packages/*', 'tools'], from: 'pnpm-workspace.yaml' }],
    ['npm/yarn: a list', { packageJson: '{"workspaces":["apps/*","!apps/old"]}' }, { globs: ['apps/*', '!apps/old'], from: 'package.json workspaces' }],
    ["yarn's { packages }", { packageJson: '{"workspaces":{"packages":["libs/*"],"nohoist":["**/x"]}}' }, { globs: ['libs/*'], from: 'package.json workspaces' }],
    ['no workspace', { packageJson: '{"name":"app"}' }, undefined],
    ['broken YAML: no globs, still a workspace', { packageJson: '{}', pnpmWorkspace: 'packages: [' }, { globs: [], from: 'pnpm-workspace.yaml' }],
    ['non-strings dropped', { packageJson: '{"workspaces":["a",3,null,""]}' }, { globs: ['a'], from: 'package.json workspaces' }],
  ])('%s', (_name, input, expected) => {
    expect(workspaceGlobs(input)).toEqual(expected);
  });
});

describe('workspaceManifests', () => {
  const tree: Record<string, string[]> = {
    packages: ['client', 'server', 'README.md'],
    'packages/client': ['package.json', 'index.js'],
    'packages/server': ['package.json'],
    tools: ['package.json'],
    'apps/old': ['package.json'],
    apps: ['old', 'web'],
    'apps/web': ['package.json'],
  };
  const list = async (dir: string) => tree[dir] ?? [];
  test.each([
    ['dir/* lists the folders with a package.json', ['packages/*'], { dirs: ['packages/client', 'packages/server'] }],
    ['a plain folder, ./ and a trailing slash', ['./tools/'], { dirs: ['tools'] }],
    ['an exclusion is honoured', ['apps/*', '!apps/old'], { dirs: ['apps/web'] }],
    ['a missing folder: nothing', ['nowhere/*'], { dirs: [] }],
    ['** is beyond a folder: the whole context', ['packages/**'], { all: 'workspace glob "packages/**" is more than a folder or folder/*' }],
    ['.. never leaves the context', ['../elsewhere'], { all: 'workspace glob "../elsewhere" is more than a folder or folder/*' }],
  ])('%s', async (_name, globs, expected) => {
    expect(await workspaceManifests({ globs, list })).toEqual(expected);
  });
});

test.each([
  [{ dirs: ['packages/client', 'packages/server'] }, 'COPY packages/client/package.json packages/client/\nCOPY packages/server/package.json packages/server/'],
  [{ dirs: [] }, ''],
  [{ all: 'why' }, 'COPY . .'],
])('workspaceCopyLines %#', (manifests, lines) => {
  expect(workspaceCopyLines(manifests)).toBe(lines);
});

describe('the nodejs planner on a workspace checkout', () => {
  async function plan(files: Record<string, string>) {
    const ctx = await contextDir(files);
    return PLANNERS.nodejs!(checkoutReader({ repo: await RepoFiles.open({ root: ctx.dir, limit: DEFAULT_REPO_FILE_LIMIT }), contextDir: '.', files: ctx.files }));
  }
  const server = { 'packages/server/package.json': '{"name":"server"}', 'packages/server/index.js': '' };

  test('pnpm: pnpm-workspace.yaml and each package manifest are copied before the install', async () => {
    const result = await plan({ 'package.json': '{"scripts":{"start":"node packages/server/index.js"}}', 'pnpm-workspace.yaml': "packages: ['packages/*']\n", ...server });
    expect(result.values.workspaceManifests).toBe('COPY pnpm-workspace.yaml ./\nCOPY packages/server/package.json packages/server/');
    expect(result.reasons).toContain('install: workspace manifests first (pnpm-workspace.yaml): packages/server');
  });

  test('npm workspaces: the package manifests only', async () => {
    const result = await plan({ 'package.json': '{"workspaces":["packages/*"],"scripts":{"start":"node packages/server/index.js"}}', ...server });
    expect(result.values.workspaceManifests).toBe('COPY packages/server/package.json packages/server/');
  });

  test('not a workspace: nothing more is copied', async () => {
    const result = await plan({ 'package.json': '{"scripts":{"start":"node index.js"}}', 'index.js': '' });
    expect(result.values.workspaceManifests).toBe('');
    expect(result.reasons.join('\n')).not.toContain('workspace');
  });
});
