import { ValidationError } from '../errors.js';
import type { DeployConfig, DeployConfigPatch } from './types.js';

/** A deploy config whose hooks may still lack their defaults (as a request sets them). */
type DeployConfigDraft = Omit<DeployConfig, 'hooks'> & Pick<DeployConfigPatch, 'hooks'>;

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

/** A partial update over the current config; `env` and `podAnnotations` replace, not merge. */
export function mergeDeployConfig(current: DeployConfig, patch: DeployConfigPatch): DeployConfig {
  return checkDeployConfig({ ...current, ...patch });
}

const HOOK_TIMEOUT_SECONDS = 300;

/** `config` (whole or a patch) with its hooks' defaults filled in, as a stored config holds them. */
function withHookDefaults<C extends Pick<DeployConfigPatch, 'hooks'>>(config: C): Omit<C, 'hooks'> & Pick<DeployConfig, 'hooks'> {
  const { hooks, ...rest } = config;
  return hooks ? { ...rest, hooks: hookDefaults(hooks) } : rest;
}

/** Rules across fields, which a JSON schema cannot say; the config with its hook defaults when it holds. */
export function checkDeployConfig(draft: DeployConfigDraft): DeployConfig {
  const config: DeployConfig = withHookDefaults(draft);
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

function hookDefaults(hooks: NonNullable<DeployConfigPatch['hooks']>): NonNullable<DeployConfig['hooks']> {
  const { pre, post } = hooks;
  return {
    ...(pre ? { pre: { ...pre, timeoutSeconds: pre.timeoutSeconds ?? HOOK_TIMEOUT_SECONDS } } : {}),
    ...(post ? { post: { ...post, timeoutSeconds: post.timeoutSeconds ?? HOOK_TIMEOUT_SECONDS, onFailure: post.onFailure ?? 'report' } } : {}),
  };
}

function isZero(value: string | number): boolean {
  return value === 0 || value === '0%';
}
