// Shared JSON schemas (referenced by $id) for request validation and response serialisation.

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object', additionalProperties: true } },
      required: ['code', 'message'],
    },
  },
} as const;

export const appSchema = {
  $id: 'App',
  type: 'object',
  properties: {
    name: { type: 'string' },
    repo: { type: 'string' },
    branch: { type: 'string' },
    branches: { type: 'array', items: { type: 'string' } },
    contextDir: { type: 'string' },
    dockerfile: { type: 'string' },
    buildArgs: { type: 'object', additionalProperties: { type: 'string' } },
    builder: { type: 'string' },
    port: { type: 'integer' },
    postCommit: { type: 'object', additionalProperties: true },
    deploy: { type: 'object', additionalProperties: true },
    createdAt: { type: 'string' },
  },
} as const;

export const buildSchema = {
  $id: 'Build',
  type: 'object',
  properties: {
    id: { type: 'string' },
    app: { type: 'string' },
    number: { type: 'integer' },
    ref: { type: 'string' },
    sha: { type: 'string' },
    state: { type: 'string' },
    trigger: { type: 'object', additionalProperties: true },
    strategy: { type: 'object', properties: { name: { type: 'string' }, reasons: { type: 'array', items: { type: 'string' } } } },
    image: {
      type: 'object',
      properties: { repository: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } }, digest: { type: 'string' } },
    },
    failure: {
      type: 'object',
      properties: { step: { type: 'string' }, code: { type: 'string' }, reason: { type: 'string' }, logTail: { type: 'array', items: { type: 'string' } } },
    },
    createdAt: { type: 'string' },
    startedAt: { type: 'string' },
    finishedAt: { type: 'string' },
  },
} as const;

/** The answer to every webhook delivery: a build id, or the reason nothing was built. */
export const hookReplySchema = {
  $id: 'HookReply',
  type: 'object',
  properties: {
    buildId: { type: 'string' },
    ignored: { type: 'boolean' },
    reason: { type: 'string' },
  },
} as const;

export const releaseSchema = {
  $id: 'Release',
  type: 'object',
  properties: {
    app: { type: 'string' },
    number: { type: 'integer' },
    image: { type: 'string' },
    config: { type: 'object', additionalProperties: true },
    port: { type: 'integer' },
    configHash: { type: 'string' },
    manifests: { type: 'array', items: { type: 'object', additionalProperties: true } },
    status: { type: 'string' },
    trigger: { type: 'object', additionalProperties: true },
    failure: { type: 'object', additionalProperties: true },
    rolledBackTo: { type: 'object', additionalProperties: true },
    restartedAt: { type: 'string' },
    hooks: { type: 'object', additionalProperties: true },
    createdAt: { type: 'string' },
    startedAt: { type: 'string' },
    finishedAt: { type: 'string' },
  },
} as const;

export const sharedSchemas = [errorSchema, appSchema, buildSchema, hookReplySchema, releaseSchema];

/** How an app is built: set on create, changed with PATCH /apps/:app/build-config. */
export const buildSettingsProperties = {
  contextDir: { type: 'string', maxLength: 1024 },
  dockerfile: { type: 'string', maxLength: 1024 },
  buildArgs: { type: 'object', additionalProperties: { type: 'string' } },
  builder: { type: 'string', pattern: '^[a-z0-9-]+$', maxLength: 63 },
  port: { type: 'integer', minimum: 1, maximum: 65535 },
  postCommit: {
    type: 'object',
    additionalProperties: false,
    properties: { script: { type: 'string', maxLength: 10_000 }, command: { type: 'array', items: { type: 'string' } }, args: { type: 'array', items: { type: 'string' } } },
  },
} as const;

/** An app name: a DNS-1123 label, since it becomes a Kubernetes object name and an image repository. */
export const APP_NAME = '^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$';

/** `:app` checked as a name (a malformed one is 400). */
export const appNameParams = { type: 'object', properties: { app: { type: 'string', pattern: APP_NAME } } } as const;

/** `:app` looked up as given (a malformed one is simply not found, 404). */
export const appParams = { type: 'object', properties: { app: { type: 'string', maxLength: 63 } } } as const;
