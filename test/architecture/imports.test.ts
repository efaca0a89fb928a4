import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findCycles, findViolations, formatCycle, formatViolation, readGraph } from './import-graph.js';
import { IMPORT_RULES } from './import-rules.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const DIRS = ['src', 'workers', 'web/src'];

/** Fails with every line at once, so one run shows all there is to fix. */
function expectNone(what: string, lines: string[]): void {
  if (lines.length > 0) throw new Error(`${lines.length} ${what}:\n  ${lines.join('\n  ')}`);
}

describe('the source tree', () => {
  const graph = readGraph(ROOT, DIRS);

  test('is read whole', () => {
    // An empty graph breaks no rule: make sure the walk found the house.
    expect(graph.files.map((file) => file.path)).toEqual(expect.arrayContaining(['src/main.ts', 'src/errors.ts', 'web/src/main.ts']));
    expect(graph.edges.length).toBeGreaterThan(graph.files.length);
  });

  test('imports only the way the layout allows', () => {
    expectNone('imports against the layout (test/architecture/import-rules.ts)', findViolations(graph, IMPORT_RULES).map(formatViolation));
  });

  test('has no circle of imports', () => {
    expectNone('circles of imports', findCycles(graph).map(formatCycle));
  });
});

// The checker on small trees: each one breaks one rule (or none), and the checker must say so.
// Lines are `from -> to: rule`; circles are their files, sorted. Module names are made up where
// the rules allow, so that moving a real file never rewrites a fixture's import.
interface Case {
  name: string;
  files: Record<string, string>;
  violations?: string[];
  cycles?: string[][];
}

const EMPTY = 'export {};\n';

const CASES: Case[] = [
  {
    name: 'an upward import (store imports api)',
    files: { 'src/store/records.ts': "import { server } from '../api/server.js';\n", 'src/api/server.ts': EMPTY },
    violations: ['src/store/records.ts -> src/api/server.ts: floors'],
  },
  {
    name: 'an upward dynamic import and an upward re-export',
    files: {
      'src/git/fetch-source.ts': "export { server } from '../api/server.js';\nconst late = await import('../builds/build-image.js');\n",
      'src/api/server.ts': EMPTY,
      'src/builds/build-image.ts': EMPTY,
    },
    violations: ['src/git/fetch-source.ts -> src/api/server.ts: floors', 'src/git/fetch-source.ts -> src/builds/build-image.ts: floors'],
  },
  {
    name: 'builds and releases importing each other, even for a type',
    files: {
      'src/builds/build-image.ts': "import { release } from '../releases/release.js';\n",
      'src/releases/release.ts': "import type { Plan } from '../builds/plan.js';\n",
      'src/builds/plan.ts': EMPTY,
    },
    violations: [
      'src/builds/build-image.ts -> src/releases/release.ts: never-between',
      'src/releases/release.ts -> src/builds/plan.ts: never-between',
    ],
  },
  {
    name: 'a sibling import on the same floor',
    files: { 'src/apps/new-app.ts': "import { push } from '../webhooks/push.js';\n", 'src/webhooks/push.ts': EMPTY },
    violations: ['src/apps/new-app.ts -> src/webhooks/push.ts: siblings'],
  },
  {
    name: 'a two-file circle',
    files: { 'src/store/a.ts': "import { b } from './b.js';\n", 'src/store/b.ts': "import { a } from './a.js';\n" },
    cycles: [['src/store/a.ts', 'src/store/b.ts']],
  },
  {
    name: 'a three-file circle closed by a type-only import',
    files: {
      'src/templates/a.ts': "import { b } from './b.js';\n",
      'src/templates/b.ts': "import { c } from './c.js';\n",
      'src/templates/c.ts': "import type { A } from './a.js';\n",
    },
    cycles: [['src/templates/a.ts', 'src/templates/b.ts', 'src/templates/c.ts']],
  },
  {
    name: 'a file importing itself',
    files: { 'src/store/self.ts': "export * from './self.js';\n" },
    cycles: [['src/store/self.ts']],
  },
  {
    name: 'a decider reading the disk at run time',
    files: { 'src/builds/strategy.ts': "import { readFileSync } from 'node:fs';\n" },
    violations: ['src/builds/strategy.ts -> node:fs: deciders'],
  },
  {
    name: 'a decider importing a value and a type of the cluster client',
    files: { 'src/releases/rollout/workload-status.ts': "import { type V1Pod, CoreV1Api } from '@kubernetes/client-node';\n" },
    violations: ['src/releases/rollout/workload-status.ts -> @kubernetes/client-node: deciders'],
  },
  {
    name: 'a decider importing types of the cluster client (allowed)',
    files: {
      'src/releases/rollout/workload-status.ts': "import type { V1Deployment } from '@kubernetes/client-node';\n",
      'src/releases/hooks/hook-status.ts': "import { type V1Job, type V1Pod } from '@kubernetes/client-node';\n",
      'src/releases/render/manifest.ts': "import type * as k8s from '@kubernetes/client-node';\n",
    },
  },
  {
    name: 'a route touching Redis through its deps',
    files: { 'src/api/routes/widgets.ts': "export default async function widgetsRoutes(app, deps) {\n  await deps.redis.get('x');\n}\n" },
    violations: ['src/api/routes/widgets.ts -> deps.redis: text'],
  },
  {
    name: 'the API importing Redis, a queue and the Redis connection',
    files: {
      'src/api/server.ts': "import type { Redis } from 'ioredis';\nimport { QUEUE } from '../queue/queues.js';\nimport { openRedis } from '../store/redis.js';\n",
      'src/queue/queues.ts': EMPTY,
      'src/store/redis.ts': EMPTY,
    },
    violations: ['src/api/server.ts -> ioredis: forbidden', 'src/api/server.ts -> src/queue/queues.ts: forbidden', 'src/api/server.ts -> src/store/redis.ts: forbidden'],
  },
  {
    name: 'the cli importing the API',
    files: { 'src/cli/main.ts': "import type { Server } from '../api/server.js';\n", 'src/api/server.ts': EMPTY },
    violations: ['src/cli/main.ts -> src/api/server.ts: never-between', 'src/cli/main.ts -> src/api/server.ts: only-imports'],
  },
  {
    name: 'the cli importing a domain room',
    files: { 'src/cli/main.ts': "import { newApp } from '../apps/new-app.js';\n", 'src/apps/new-app.ts': EMPTY },
    violations: ['src/cli/main.ts -> src/apps/new-app.ts: only-imports'],
  },
  {
    name: 'the dashboard importing src/api, and a shape file that imports a value',
    files: {
      'web/src/shapes.ts': "export type { Shape } from '../../src/api/shapes.js';\nexport { FINAL_BUILD_STATES } from '../../src/store/types.js';\n",
      'src/api/shapes.ts': EMPTY,
      'src/store/types.ts': "import { STATES } from './states.js';\nimport type { Build } from './build.js';\nexport const FINAL_BUILD_STATES = STATES;\n",
      'src/store/states.ts': EMPTY,
      'src/store/build.ts': EMPTY,
    },
    violations: ['web/src/shapes.ts -> src/api/shapes.ts: only-imports', 'src/store/types.ts -> src/store/states.ts: type-only-file'],
  },
  {
    name: 'a file in no room, and an import of a file that is not there',
    files: { 'src/helpers.ts': EMPTY, 'src/store/records.ts': "import { gone } from './gone.js';\n" },
    violations: ['src/helpers.ts -> (no room): rooms', 'src/store/records.ts -> src/store/gone.ts: unresolved'],
  },
  {
    name: 'a tree that follows the layout',
    files: {
      'src/main.ts': "import { server } from './api/server.js';\nimport { loadConfig } from './config.js';\n",
      'workers/builder.ts': "import { buildImage } from '../src/builds/build-image.js';\n",
      'src/api/server.ts': "import { newApp } from '../apps/new-app.js';\nimport widgetsRoutes from './routes/widgets.js';\n",
      'src/api/routes/widgets.ts': "export default async function widgetsRoutes(app, deps) {\n  await deps.apps.create(deps.redisUrl);\n}\n",
      'src/apps/new-app.ts': "import { queueBuild } from '../builds/queue-build.js';\nimport { save } from '../store/records.js';\n",
      'src/builds/queue-build.ts': "import { QUEUE } from '../queue/queues.js';\nimport type { Services } from '../services/services.js';\n",
      'src/builds/build-image.ts': "import { plan } from './strategy.js';\nimport Docker from 'dockerode';\n",
      'src/builds/strategy.ts': "import type { Stats } from 'node:fs';\nimport type { App } from '../store/types.js';\n",
      'src/releases/rollout/workload-status.ts': "import type { V1Pod } from '@kubernetes/client-node';\n",
      'src/services/services.ts': "import { Redis } from 'ioredis';\n",
      'src/queue/queues.ts': "import type { App } from '../store/types.js';\n",
      'src/store/records.ts': "import type { App } from './types.js';\nimport { SlipwayError } from '../errors.js';\n",
      'src/store/types.ts': EMPTY,
      'src/store/views.ts': "import type { App } from './types.js';\n",
      'src/config.ts': "import { SlipwayError } from './errors.js';\n",
      'src/errors.ts': EMPTY,
      'src/cli/main.ts': "import { Command } from 'commander';\nimport type { App } from '../store/types.js';\nimport { SlipwayError } from '../errors.js';\nimport { http } from './http.js';\n",
      'src/cli/http.ts': EMPTY,
      'web/src/main.ts': "import type { AppStatus } from '../../src/store/views.js';\nimport { h } from './dom.js';\n",
      'web/src/dom.ts': EMPTY,
    },
  },
];

describe('the import checker', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'slipway-imports-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  test.each(CASES)('$name', ({ name, files, violations = [], cycles = [] }) => {
    const root = path.join(tmp, name.replace(/[^a-z0-9]+/gi, '-'));
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    }
    const graph = readGraph(root, DIRS);
    expect(graph.files).toHaveLength(Object.keys(files).length);
    expect(findViolations(graph, IMPORT_RULES).map(({ from, to, rule }) => `${from} -> ${to}: ${rule}`).sort()).toEqual([...violations].sort());
    expect(findCycles(graph).map((cycle) => cycle.files)).toEqual(cycles);
  });

  test('a circle is printed the way round it goes', () => {
    const graph = {
      files: ['a.ts', 'b.ts', 'c.ts'].map((file) => ({ path: file, text: '' })),
      edges: [['a.ts', 'b.ts'], ['b.ts', 'c.ts'], ['c.ts', 'a.ts']].map(([from, to]) => ({ from: from!, to: to!, package: false, resolved: true, typeOnly: false })),
    };
    expect(findCycles(graph).map(formatCycle)).toEqual(['a.ts -> b.ts -> c.ts -> a.ts (circle of 3: a.ts, b.ts, c.ts)']);
  });
});
