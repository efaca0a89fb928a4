// Which way imports may point in Slipway, written down as data: the floors and rooms of the
// target layout (issue 13).
// The checker (import-graph.ts) knows nothing about Slipway: every name below is read from here.
// Patterns are paths from the repo root: `*` stays inside one folder, `**` crosses folders,
// `{a,b}` is either.

/** A folder (or a few files) whose files import each other freely. */
export interface Room {
  room: string;
  /** 0 is the top. A file imports its own room and rooms on a higher number, never a lower one. */
  floor: number;
  files: string[];
  /**
   * Project files outside the room that it may import; nothing else of the project, whatever
   * its floor. Packages stay allowed.
   */
  onlyImports?: string[];
  /** Why the room is walled off, said when a file breaks `onlyImports`. */
  why?: string;
}

export interface ImportRules {
  rooms: Room[];
  /** Same-floor rooms that may import each other, as [importer, imported] room names. */
  siblingsAllowed: Array<[string, string]>;
  /** Rooms that never import each other, in either direction, whatever else is allowed. */
  neverBetween: Array<{ rooms: [string, string]; why: string }>;
  /** What the files of a room must not import at all (packages by name, project files by pattern). */
  forbidden: Array<{ in: string[]; packages: string[]; files: string[]; why: string }>;
  /** Pure decisions: no runtime import of an I/O package (an `import type` is fine). */
  deciders: { files: string[]; ioPackages: string[] };
  /**
   * Files whose own imports must all be `import type`: the dashboard bundles them for the
   * browser, so a value import there would drag server code into it.
   */
  typeOnlyFiles: string[];
  /** Words some files must not contain (matched as whole words). */
  textBans: Array<{ in: string[]; words: string[]; why: string }>;
}

/** Modules that talk to the disk, the network, a process, Docker, Redis, git or the cluster. */
const IO_PACKAGES = [
  'node:fs', 'node:fs/promises', 'fs', 'node:child_process', 'node:net', 'node:http', 'node:https',
  'dockerode', 'ioredis', 'bullmq', 'simple-git', 'tar-fs', '@kubernetes/client-node',
];

// Top floor first. Adding a room is one row here.
const ROOMS: Room[] = [
  { room: 'main', floor: 0, files: ['src/main.ts'] },
  { room: 'workers', floor: 0, files: ['workers/*.ts'] },
  // The dashboard is bundled for the browser: from src/ it may see the records' and views' shapes
  // (and their state lists) only; those two files import nothing but types (typeOnlyFiles).
  {
    room: 'web', floor: 0, files: ['web/src/**'],
    onlyImports: ['src/store/types.ts', 'src/store/views.ts'],
    why: 'the dashboard takes only record and view shapes from src/',
  },

  { room: 'api', floor: 1, files: ['src/api/**'] },
  {
    room: 'cli', floor: 1, files: ['src/cli/**'],
    onlyImports: ['src/store/types.ts', 'src/store/views.ts', 'src/errors.ts', 'src/templates/process-offline.ts'],
    why: 'the cli talks to the API over HTTP only (but for `process --local`, which runs src/templates/process-offline.ts as oc process --local does)',
  },

  { room: 'templates', floor: 2, files: ['src/templates/**'] },

  { room: 'apps', floor: 3, files: ['src/apps/**'] },
  { room: 'webhooks', floor: 3, files: ['src/webhooks/**'] },
  { room: 'metrics', floor: 3, files: ['src/metrics/**'] },

  { room: 'builds', floor: 4, files: ['src/builds/**'] },
  // releases/ holds render/, rollout/, hooks/ and cluster/ as one room: make-release.ts uses them all.
  { room: 'releases', floor: 4, files: ['src/releases/**'] },

  { room: 'services', floor: 5, files: ['src/services/**'] },

  { room: 'queue', floor: 6, files: ['src/queue/**'] },
  { room: 'git', floor: 6, files: ['src/git/**'] },

  { room: 'store', floor: 7, files: ['src/store/**'] },

  { room: 'ground', floor: 8, files: ['src/{config,errors,paths,logger,process-entry,crash-point}.ts'] },
];

export const IMPORT_RULES: ImportRules = {
  rooms: ROOMS,
  siblingsAllowed: [],
  neverBetween: [
    { rooms: ['api', 'cli'], why: 'the cli reaches the API over HTTP, and the API knows nothing of its clients' },
    { rooms: ['builds', 'releases'], why: 'builds and releases meet only through the queues and the store' },
  ],
  forbidden: [
    {
      in: ['src/api/**'],
      packages: ['@kubernetes/client-node', 'bullmq', 'ioredis', 'dockerode', 'simple-git'],
      files: ['src/queue/**', 'src/services/docker-client.ts', 'src/services/kube-config.ts', 'src/store/redis.ts'],
      why: 'the API calls domain code, never Redis, a queue, Docker, git or the cluster itself',
    },
  ],
  deciders: {
    files: [
      'src/builds/{strategy,plan,planners,generate-dockerfile,dockerfile-template,s2i-overrides,builder-definition}.ts',
      'src/builds/builders/**',
      'src/releases/render/**',
      'src/releases/rollout/{workload-status,verification}.ts',
      'src/releases/hooks/{hook-status,render-hook}.ts',
      'src/templates/{process-template,expression,parse-template,translate-openshift,openshift-images,provisioned-databases,template-policy}.ts',
      'src/webhooks/{github,gitlab,gitea,bitbucket,generic,signature,push-event,delivery}.ts',
      'src/apps/app-health.ts',
      'src/releases/rollback/**',
      'src/store/{describe-config-revert,same-json}.ts',
      'src/releases/{dry-run-diff,dry-run-objects}.ts',
    ],
    ioPackages: IO_PACKAGES,
  },
  typeOnlyFiles: ['src/store/types.ts', 'src/store/views.ts'],
  textBans: [
    {
      in: ['src/api/routes/*.ts'],
      words: ['deps.redis', 'deps.keys', 'deps.buildQueue', 'deps.deployQueue', 'deps.docker', 'kubeConfig(', 'makeApiClient'],
      why: 'a route calls domain code, never raw Redis, a queue or the cluster',
    },
  ],
};
