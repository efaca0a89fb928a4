import type { NamespaceRules } from '../config.js';
import { SlipwayError, ValidationError } from '../errors.js';
import type { DeployConfig, DeployConfigPatch } from './types.js';
import { checkSingleNodeVolumes, updateType } from './single-node-volumes.js';
import { checkRoutes } from './route-rules.js';
import { checkFileMounts } from './file-mount-rules.js';
import { SHUTDOWN_DEFAULTS } from './schemas/deploy-config.js';

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
  const merged = checkDeployConfig({ ...current, ...patch }, current);
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

/** `config` (whole or a patch) with its hooks' defaults filled in, as a stored config holds them. */
function withHookDefaults<C extends Pick<DeployConfigPatch, 'hooks'>>(config: C): Omit<C, 'hooks'> & Pick<DeployConfig, 'hooks'> {
  const { hooks, ...rest } = config;
  return hooks ? { ...rest, hooks: hookDefaults(hooks) } : rest;
}

/**
 * Rules across fields, which a JSON schema cannot say; the config with its hook defaults when it
 * holds. `before`, the config this one replaces, lets a stored config that already broke the
 * ReadWriteOnce rule through changes that do not deepen it (single-node-volumes.ts).
 */
export function checkDeployConfig(draft: DeployConfigDraft, before?: DeployConfig): DeployConfig {
  const config: DeployConfig = withHookDefaults(draft);
  const strategy = config.strategy;
  if (strategy && config.kind === 'StatefulSet') {
    throw new ValidationError('a StatefulSet keeps its own update strategy (RollingUpdate by ordinal): strategy applies to Deployments', { field: 'strategy' });
  }
  if (strategy?.type === 'Rolling' && isZero(strategy.maxSurge ?? '25%') && isZero(strategy.maxUnavailable ?? 0)) {
    throw new ValidationError('maxSurge and maxUnavailable cannot both be 0: the rollout could never make progress', { field: 'strategy' });
  }
  if (strategy) checkStrategyFields(strategy, config);
  checkSingleNodeVolumes(config, before);
  checkRoutes(config);
  checkFileMounts(config);
  if (config.shutdown) checkShutdown(config);
  if (config.autoscale) checkAutoscale(config.autoscale, config);
  return config;
}

/**
 * An autoscaler needs a range and a target, and a workload whose replicas only it sets: a
 * BlueGreen or Canary rollout sizes two releases' workloads itself (progressive/hold.ts), and
 * the HPA would fight it over the replica count.
 */
function checkAutoscale(autoscale: NonNullable<DeployConfig['autoscale']>, config: DeployConfig): void {
  if (autoscale.maxReplicas < autoscale.minReplicas) {
    throw new ValidationError(`maxReplicas ${autoscale.maxReplicas} is below minReplicas ${autoscale.minReplicas}`, { field: 'autoscale.maxReplicas' });
  }
  if (autoscale.cpuPercent === undefined && autoscale.memoryPercent === undefined) {
    throw new ValidationError('an autoscaler needs a target: cpuPercent, memoryPercent or both', { field: 'autoscale' });
  }
  const type = config.strategy?.type;
  if (type === 'BlueGreen' || type === 'Canary') {
    throw new ValidationError(`the ${type} strategy sets the replicas of two releases itself: it cannot share them with an autoscaler (use Rolling or Recreate)`, { field: 'autoscale' });
  }
}

/**
 * The app's shutdown with the defaults filled in. A Deployment rolled with Recreate gets no pause
 * unless it asks for one: its old pods all go before a new one starts, so no endpoint is left for
 * the Service to move the traffic to, and a pause would only lengthen the gap of every release.
 */
export function shutdownOf(config: Pick<DeployConfig, 'shutdown' | 'kind' | 'strategy' | 'volumes'>): { gracePeriodSeconds: number; preStopSeconds: number } {
  const recreates = config.kind !== 'StatefulSet' && updateType(config) === 'Recreate';
  return { ...SHUTDOWN_DEFAULTS, ...(recreates ? { preStopSeconds: 0 } : {}), ...config.shutdown };
}

/** The preStop pause must end within the grace period: the kubelet kills a container still in its preStop hook. */
function checkShutdown(config: DeployConfig): void {
  const shutdown = config.shutdown ?? {};
  const { gracePeriodSeconds: grace, preStopSeconds: pause } = shutdownOf(config);
  if (pause > 0 && pause >= grace) {
    const said = (value: number | undefined, fallback: number) => `${value ?? fallback}${value === undefined ? ' (the default)' : ''}`;
    throw new ValidationError(
      `preStopSeconds ${said(shutdown.preStopSeconds, pause)} must be less than gracePeriodSeconds ${said(shutdown.gracePeriodSeconds, grace)}: the pause would use up the time the server has to stop`,
      { field: 'shutdown.preStopSeconds' },
    );
  }
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
    ['prometheus', ['BlueGreen', 'Canary']],
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
  if (strategy.previewHost !== undefined && !config.host && !config.routes?.length) {
    throw new ValidationError('previewHost needs the app to have a host: the preview Ingress mirrors the app\'s', { field: 'strategy.previewHost' });
  }
  if (strategy.gatewayRef && config.service === false) {
    throw new ValidationError('a weighted canary routes to Services of its own: it needs the app to have one (service: true)', { field: 'strategy.gatewayRef' });
  }
  if (strategy.type === 'BlueGreen' && config.service === false) {
    throw new ValidationError('the BlueGreen strategy switches the app\'s Service: it needs one (service: true)', { field: 'strategy' });
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
