import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../errors.js';
import { resolveBranch } from '../../git/clone.js';
import { validateRepoUrl } from '../../git/repo-url.js';
import { enqueueBuild } from '../../queue/build-queue.js';
import { defaultDeployConfig, deployConfigSchema, mergeDeployConfig } from '../../deploy/deploy-config.js';
import type { App, DeployConfig } from '../../store/types.js';
import type { ApiDeps } from '../deps.js';

interface CreateAppBody {
  name: string;
  repo: string;
  branch?: string;
  contextDir?: string;
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  port?: number;
  deploy?: Partial<DeployConfig>;
}

// An app name becomes a Kubernetes object name and an image repository: a DNS-1123 label.
const NAME = '^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$';
const BRANCH = '^(?!-)(?!.*\\.\\.)[A-Za-z0-9._/-]+$';

const createAppSchema = {
  body: {
    type: 'object',
    required: ['name', 'repo'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', pattern: NAME },
      repo: { type: 'string', minLength: 1, maxLength: 2048 },
      branch: { type: 'string', pattern: BRANCH, maxLength: 255 },
      contextDir: { type: 'string', maxLength: 1024 },
      dockerfile: { type: 'string', maxLength: 1024 },
      buildArgs: { type: 'object', additionalProperties: { type: 'string' } },
      port: { type: 'integer', minimum: 1, maximum: 65535 },
      deploy: deployConfigSchema,
    },
  },
  response: {
    201: {
      type: 'object',
      properties: {
        app: { $ref: 'App#' },
        webhook: { type: 'object', properties: { url: { type: 'string' }, secret: { type: 'string' }, contentType: { type: 'string' } } },
      },
    },
  },
};

const appParams = { type: 'object', properties: { app: { type: 'string', pattern: NAME } } };

/** A path inside the checkout: relative, normalised, never escaping it. */
function insideRepo(field: string, value: string | undefined, fallback: string): string {
  const normalised = path.posix.normalize((value ?? fallback).replace(/^\.\/+/, '') || fallback);
  if (path.posix.isAbsolute(normalised) || normalised === '..' || normalised.startsWith('../')) {
    throw new ValidationError(`${field} must be a path inside the repository, got "${value}"`, { field });
  }
  return normalised;
}

export default async function appRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const policy = { allowedSchemes: deps.config.allowedRepoSchemes, allowPrivateHosts: deps.config.allowPrivateRepoHosts };

  app.post<{ Body: CreateAppBody }>('/apps', { schema: createAppSchema }, async (request, reply) => {
    const body = request.body;
    validateRepoUrl(body.repo, policy);
    const record: App = {
      name: body.name,
      repo: body.repo,
      branch: body.branch ?? 'main',
      contextDir: insideRepo('contextDir', body.contextDir, '.'),
      ...(body.dockerfile ? { dockerfile: insideRepo('dockerfile', body.dockerfile, 'Dockerfile') } : {}),
      buildArgs: body.buildArgs ?? {},
      port: body.port ?? 8080,
      deploy: mergeDeployConfig(defaultDeployConfig(body.name), body.deploy ?? {}),
      createdAt: new Date().toISOString(),
    };
    // Shown once, here; afterwards only Slipway knows it (to check signatures).
    const secret = randomBytes(24).toString('hex');
    await deps.apps.create(record, secret);
    return reply.code(201).send({
      app: record,
      webhook: { url: `${deps.config.publicUrl}/hooks/github/${record.name}`, secret, contentType: 'application/json' },
    });
  });

  app.get('/apps', { schema: { response: { 200: { type: 'object', properties: { apps: { type: 'array', items: { $ref: 'App#' } } } } } } }, async () => ({
    apps: await deps.apps.list(),
  }));

  app.get<{ Params: { app: string } }>('/apps/:app', { schema: { params: appParams, response: { 200: { $ref: 'App#' } } } }, async (request) =>
    deps.apps.get(request.params.app),
  );

  app.get<{ Params: { app: string } }>(
    '/apps/:app/builds',
    { schema: { params: appParams, response: { 200: { type: 'object', properties: { builds: { type: 'array', items: { $ref: 'Build#' } } } } } } },
    async (request) => {
      await deps.apps.get(request.params.app);
      return { builds: await deps.builds.listForApp(request.params.app) };
    },
  );

  /** Builds the tracked branch's head (or a given commit) now, as `oc start-build` does. */
  app.post<{ Params: { app: string }; Body: { sha?: string } | undefined }>(
    '/apps/:app/builds',
    {
      schema: {
        params: appParams,
        body: { type: ['object', 'null'], additionalProperties: false, properties: { sha: { type: 'string', pattern: '^[0-9a-f]{40}$' } } },
        response: { 202: { $ref: 'Build#' } },
      },
    },
    async (request, reply) => {
      const target = await deps.apps.get(request.params.app);
      const sha = request.body?.sha ?? (await resolveBranch({ url: target.repo, branch: target.branch }));
      const build = await deps.builds.create({ app: target, ref: `refs/heads/${target.branch}`, sha, trigger: { kind: 'api' } });
      await enqueueBuild(deps.buildQueue, build);
      return reply.code(202).send(build);
    },
  );
}
