import { ValidationError } from '../errors.js';
import type { DeployConfig } from './types.js';
import { hooksSchema, probesSchema, strategySchema } from './lifecycle-schemas.js';

/** What an app gets when it says nothing: one replica in a namespace named after it. */
export function defaultDeployConfig(app: string): DeployConfig {
  return {
    namespace: app,
    kind: 'Deployment',
    replicas: 1,
    autoDeploy: true,
    env: {},
    readinessDeadlineSeconds: 120,
    maxRestarts: 3,
    podAnnotations: {},
    links: [],
    service: true,
  };
}

/** JSON schema of a (partial) deploy config, shared by create and update. */
export const deployConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    namespace: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$' },
    kind: { type: 'string', enum: ['Deployment', 'StatefulSet'] },
    replicas: { type: 'integer', minimum: 0, maximum: 1000 },
    autoDeploy: { type: 'boolean' },
    env: { type: 'object', propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }, additionalProperties: { type: 'string' } },
    host: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253 },
    readinessPath: { type: 'string', pattern: '^/' },
    readinessDeadlineSeconds: { type: 'integer', minimum: 5, maximum: 3600 },
    maxRestarts: { type: 'integer', minimum: 1, maximum: 100 },
    podAnnotations: { type: 'object', additionalProperties: { type: 'string' } },
    links: { type: 'array', maxItems: 20, items: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$' } },
    service: { type: 'boolean' },
    hooks: hooksSchema,
    strategy: strategySchema,
    probes: probesSchema,
    resources: {
      type: 'object',
      additionalProperties: false,
      properties: { cpu: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?m?$' }, memory: { type: 'string', pattern: '^[0-9]+(Ki|Mi|Gi|Ti|K|M|G|T)?$' } },
    },
  },
} as const;

/** A partial update over the current config; `env` and `podAnnotations` replace, not merge. */
export function mergeDeployConfig(current: DeployConfig, patch: Partial<DeployConfig>): DeployConfig {
  return checkDeployConfig({ ...current, ...patch });
}

const HOOK_TIMEOUT_SECONDS = 300;

/** Rules across fields, which a JSON schema cannot say; the config with its hook defaults when it holds. */
export function checkDeployConfig(config: DeployConfig): DeployConfig {
  if (config.hooks) config = { ...config, hooks: hookDefaults(config.hooks) };
  const strategy = config.strategy;
  if (strategy && config.kind === 'StatefulSet') {
    throw new ValidationError('a StatefulSet keeps its own update strategy (RollingUpdate by ordinal): strategy applies to Deployments', { field: 'strategy' });
  }
  if (strategy?.type === 'Rolling' && isZero(strategy.maxSurge ?? '25%') && isZero(strategy.maxUnavailable ?? 0)) {
    throw new ValidationError('maxSurge and maxUnavailable cannot both be 0: the rollout could never make progress', { field: 'strategy' });
  }
  if (strategy?.type === 'Recreate' && (strategy.maxSurge !== undefined || strategy.maxUnavailable !== undefined)) {
    throw new ValidationError('maxSurge and maxUnavailable apply to the Rolling strategy only', { field: 'strategy' });
  }
  return config;
}

function hookDefaults(hooks: Partial<NonNullable<DeployConfig['hooks']>>): NonNullable<DeployConfig['hooks']> {
  const { pre, post } = hooks;
  return {
    ...(pre ? { pre: { ...pre, timeoutSeconds: pre.timeoutSeconds ?? HOOK_TIMEOUT_SECONDS } } : {}),
    ...(post ? { post: { ...post, timeoutSeconds: post.timeoutSeconds ?? HOOK_TIMEOUT_SECONDS, onFailure: post.onFailure ?? 'report' } } : {}),
  };
}

function isZero(value: string | number): boolean {
  return value === 0 || value === '0%';
}
