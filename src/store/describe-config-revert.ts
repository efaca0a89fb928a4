import { sameJson as same } from './same-json.js';
import type { DeployConfig } from './types.js';

/**
 * What reverting an app's stored deploy config from `from` (the failed release's) to `to` (the
 * release it was rolled back to) changes, in plain words, in the order of the config's fields:
 * `env FOO removed`, `env BAR restored to its earlier value`, `readiness probe restored`,
 * `host www.x.test removed`, `route www.x.test/api removed`, `TLS for www.x.test restored`,
 * `volume data removed`. Names only, never a value of env or
 * secrets (the record is shown to everyone who may read the app). Empty when nothing differs.
 * Pure: the deploy worker records it on the failed release (`rolledBackTo.reverted`).
 */
export function describeConfigRevert(params: { from: DeployConfig; to: DeployConfig; ports?: { from: number; to: number } }): string[] {
  const { from, to } = params;
  const said: string[] = [];
  if (params.ports && params.ports.from !== params.ports.to) said.push(`port restored to ${params.ports.to}`);
  if (from.namespace !== to.namespace) said.push(`namespace restored to ${to.namespace}`);
  if (from.kind !== to.kind) said.push(`kind restored to ${to.kind}`);
  if (from.replicas !== to.replicas) said.push(`replicas restored to ${to.replicas}`);
  if (from.autoDeploy !== to.autoDeploy) said.push(`auto-deploy turned ${to.autoDeploy ? 'on' : 'off'} again`);
  said.push(...keyed({ what: 'env', from: from.env, to: to.env }));
  said.push(...secretChange(from, to));
  said.push(...scalar({ what: 'host', from: from.host, to: to.host, show: true }));
  said.push(...byKey({ what: 'route', from: from.routes, to: to.routes, key: (r) => `${r.host}${r.path ?? '/'}` }));
  said.push(...byKey({ what: 'TLS for', from: from.tls, to: to.tls, key: (t) => t.host }));
  said.push(...scalar({ what: 'ingress class', from: from.ingressClassName, to: to.ingressClassName, show: true }));
  said.push(...scalar({ what: 'readiness path', from: from.readinessPath, to: to.readinessPath, show: true }));
  if (from.readinessDeadlineSeconds !== to.readinessDeadlineSeconds) said.push(`readiness deadline restored to ${to.readinessDeadlineSeconds} s`);
  if (from.maxRestarts !== to.maxRestarts) said.push(`max restarts restored to ${to.maxRestarts}`);
  said.push(...keyed({ what: 'pod annotation', from: from.podAnnotations, to: to.podAnnotations }));
  said.push(...scalar({ what: 'resources', from: from.resources, to: to.resources }));
  said.push(...listed({ what: 'link', from: from.links, to: to.links }));
  if ((from.service ?? true) !== (to.service ?? true)) said.push(to.service === false ? 'service removed' : 'service restored');
  said.push(...scalar({ what: 'pod template', from: from.podTemplate, to: to.podTemplate }));
  said.push(...scalar({ what: 'pre hook', from: from.hooks?.pre, to: to.hooks?.pre }));
  said.push(...scalar({ what: 'post hook', from: from.hooks?.post, to: to.hooks?.post }));
  if (!same(from.strategy, to.strategy)) said.push(to.strategy ? `strategy restored to ${to.strategy.type}` : 'strategy restored to the default');
  said.push(...byKey({ what: 'volume', from: from.volumes, to: to.volumes, key: (v) => v.name }));
  said.push(...scalar({ what: 'readiness probe', from: from.probes?.readiness, to: to.probes?.readiness }));
  said.push(...scalar({ what: 'liveness probe', from: from.probes?.liveness, to: to.probes?.liveness }));
  said.push(...scalar({ what: 'verification settings', from: from.verify, to: to.verify }));
  said.push(...scalar({ what: 'shutdown settings', from: from.shutdown, to: to.shutdown }));
  // issue 19: files by whether they moved, never a path's contents.
  said.push(...scalar({ what: 'config files', from: from.files, to: to.files }));
  said.push(...scalar({ what: 'secret files', from: from.secretFiles, to: to.secretFiles }));
  return said;
}

/** A map's keys: `<what> K removed`, `<what> K restored`, `<what> K restored to its earlier value`. */
function keyed(params: { what: string; from: Record<string, string>; to: Record<string, string> }): string[] {
  const { what, from, to } = params;
  const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
  return keys.flatMap((k) => {
    if (!(k in to)) return [`${what} ${k} removed`];
    if (!(k in from)) return [`${what} ${k} restored`];
    return from[k] === to[k] ? [] : [`${what} ${k} restored to its earlier value`];
  });
}

function listed(params: { what: string; from: string[]; to: string[] }): string[] {
  const { what, from, to } = params;
  return [...from.filter((x) => !to.includes(x)).map((x) => `${what} ${x} removed`), ...to.filter((x) => !from.includes(x)).map((x) => `${what} ${x} restored`)];
}

/** One setting: removed, restored (with its value when `show`, for values that are not secret). */
function scalar(params: { what: string; from: unknown; to: unknown; show?: boolean }): string[] {
  const { what, from, to, show } = params;
  if (same(from, to)) return [];
  if (to === undefined) return [show ? `${what} ${String(from)} removed` : `${what} removed`];
  return [show ? `${what} restored to ${String(to)}` : `${what} restored`];
}

/** Only whether the secret version moved: its keys and values are the secret's own business. */
function secretChange(from: DeployConfig, to: DeployConfig): string[] {
  if (from.secret?.version === to.secret?.version) return [];
  return [to.secret ? 'secrets restored' : 'secrets removed'];
}

/** A list of named items (volumes, routes, TLS hosts): `<what> K removed`, `restored`, `restored to its earlier settings`. */
function byKey<T>(params: { what: string; from: T[] | undefined; to: T[] | undefined; key: (item: T) => string }): string[] {
  const { what, key } = params;
  const before = new Map((params.from ?? []).map((item) => [key(item), item]));
  const after = new Map((params.to ?? []).map((item) => [key(item), item]));
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  return names.flatMap((name) => {
    if (!after.has(name)) return [`${what} ${name} removed`];
    if (!before.has(name)) return [`${what} ${name} restored`];
    return same(before.get(name), after.get(name)) ? [] : [`${what} ${name} restored to its earlier settings`];
  });
}
