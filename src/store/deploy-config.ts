import type { NamespaceRules } from '../config.js';
import { SlipwayError, ValidationError } from '../errors.js';
import type { DeployConfig, DeployConfigPatch } from './types.js';

/** A deploy config whose hooks may still lack their defaults (as a request sets them). */
type DeployConfigDraft = Omit<DeployConfig, 'hooks'> & Pick<DeployConfigPatch, 'hooks'>;

/** The namespace of something that names none: its own name, after the prefix when one is set. */
export function defaultNamespace(name: string, rules: NamespaceRules = {}): string {
  return `${rules.prefix ?? ''}${name}`.slice(0, 63).replace(/-+$/, '');
}

/** What an app gets when it says nothing: one replica in a namespace named after it (defaultNamespace). */
export function defaultDeployConfig(app: string, rules: NamespaceRules = {}): DeployConfig {
  return {
    namespace: defaultNamespace(app, rules),
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

/**
 * A partial update over the current config; `env` and `podAnnotations` replace, not merge. The
 * namespace it ends up in must be one Slipway may deploy to (NAMESPACE_FORBIDDEN otherwise).
 */
export function mergeDeployConfig(current: DeployConfig, patch: DeployConfigPatch, rules: NamespaceRules): DeployConfig {
  const merged = checkDeployConfig({ ...current, ...patch });
  checkAppNamespace(merged.namespace, rules);
  return merged;
}

/** Kubernetes' own namespaces (kube-system, kube-public, kube-node-lease and any later kube-*). */
const KUBERNETES_PREFIX = 'kube-';

/**
 * Why `namespace` is not one apps and templates may use, or undefined when it is. Never a
 * kube-* namespace or Slipway's own; never `default` (shared with everything in the cluster,
 * and not Slipway's to label with a Pod Security level) unless SLIPWAY_NAMESPACES names it;
 * with a prefix or an allow-list configured, only a namespace that starts with the prefix or is listed.
 */
export function namespaceRefusal(namespace: string, rules: NamespaceRules): string | undefined {
  if (namespace.startsWith(KUBERNETES_PREFIX)) return "kube-* namespaces are Kubernetes' own";
  if (rules.own && namespace === rules.own) return "it is Slipway's own namespace (SLIPWAY_NAMESPACE)";
  if (rules.allowed?.includes(namespace)) return undefined;
  if (namespace === 'default') return "`default` is shared with everything in the cluster; list it in SLIPWAY_NAMESPACES to allow it";
  if (rules.prefix && namespace.startsWith(rules.prefix)) return undefined;
  if (rules.prefix || rules.allowed) {
    const allowed = [rules.prefix && `names starting with "${rules.prefix}" (SLIPWAY_NAMESPACE_PREFIX)`, rules.allowed && `${rules.allowed.join(', ')} (SLIPWAY_NAMESPACES)`];
    return `Slipway deploys only to ${allowed.filter(Boolean).join(' or ')}`;
  }
  return undefined;
}

/** Throws NAMESPACE_FORBIDDEN (422) when apps and templates may not use `namespace`. */
export function checkAppNamespace(namespace: string, rules: NamespaceRules): void {
  const reason = namespaceRefusal(namespace, rules);
  if (reason) throw new SlipwayError('NAMESPACE_FORBIDDEN', `namespace "${namespace}" is not one Slipway may deploy to: ${reason}`, { namespace, field: 'deploy.namespace' });
}

const HOOK_TIMEOUT_SECONDS = 300;

/** Volume access modes one node at a time can mount: a second pod elsewhere waits on Multi-Attach. */
export const SINGLE_NODE_MODES: ReadonlySet<string> = new Set(['ReadWriteOnce', 'ReadWriteOncePod']);

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
  if (strategy) checkStrategyFields(strategy, config);
  return config;
}

/** Each strategy field with the strategy it belongs to, and what a progressive strategy cannot live with. */
function checkStrategyFields(strategy: NonNullable<DeployConfig['strategy']>, config: DeployConfig): void {
  const owners: Array<[keyof typeof strategy, string[]]> = [
    ['maxSurge', ['Rolling']],
    ['maxUnavailable', ['Rolling']],
    ['steps', ['Canary']],
    ['pauseSeconds', ['Canary']],
    ['manualPromotion', ['BlueGreen', 'Canary']],
    ['scaleDownDelaySeconds', ['BlueGreen']],
    ['previewHost', ['BlueGreen']],
    ['gatewayRef', ['Canary']],
  ];
  for (const [field, types] of owners) {
    if (strategy[field] !== undefined && !types.includes(strategy.type)) {
      throw new ValidationError(`${field} applies to the ${types.join(' and ')} strateg${types.length > 1 ? 'ies' : 'y'} only`, { field: `strategy.${field}` });
    }
  }
  const steps = strategy.steps ?? [];
  if (steps.some((step, i) => i > 0 && step <= steps[i - 1]!)) {
    throw new ValidationError(`canary steps must rise: ${steps.join(', ')}`, { field: 'strategy.steps' });
  }
  if (strategy.previewHost !== undefined && !config.host) {
    throw new ValidationError('previewHost needs the app to have a host: the preview Ingress mirrors the app\'s', { field: 'strategy.previewHost' });
  }
  if (strategy.gatewayRef && config.service === false) {
    throw new ValidationError('a weighted canary routes to Services of its own: it needs the app to have one (service: true)', { field: 'strategy.gatewayRef' });
  }
  if (strategy.type === 'BlueGreen' && config.service === false) {
    throw new ValidationError('the BlueGreen strategy switches the app\'s Service: it needs one (service: true)', { field: 'strategy' });
  }
  const progressive = strategy.type === 'BlueGreen' || strategy.type === 'Canary';
  const single = config.volumes?.find((v) => SINGLE_NODE_MODES.has(v.accessMode));
  if (progressive && single) {
    // Two releases run at once: the second side's pods would wait forever on Multi-Attach.
    throw new ValidationError(`the ${strategy.type} strategy runs two releases at once, and volume "${single.name}" is ${single.accessMode}: use Rolling or Recreate, or a ReadWriteMany volume`, { field: 'strategy' });
  }
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
