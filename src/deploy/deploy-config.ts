import type { DeployConfig } from '../store/types.js';

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
    resources: {
      type: 'object',
      additionalProperties: false,
      properties: { cpu: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?m?$' }, memory: { type: 'string', pattern: '^[0-9]+(Ki|Mi|Gi|Ti|K|M|G|T)?$' } },
    },
  },
} as const;

/** A partial update over the current config; `env` and `podAnnotations` replace, not merge. */
export function mergeDeployConfig(current: DeployConfig, patch: Partial<DeployConfig>): DeployConfig {
  return { ...current, ...patch };
}
