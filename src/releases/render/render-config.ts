import { createHash } from 'node:crypto';
import type { DeployConfig } from '../../store/types.js';
import { appLabels, LABELS } from './labels.js';
import type { Manifest } from './manifest.js';

/** 10 hex characters of a SHA-256 over a canonical (key-sorted) form of `data`. */
export function contentHash(data: Record<string, string>): string {
  const canonical = JSON.stringify(Object.entries(data).sort(([a], [b]) => a.localeCompare(b)));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 10);
}

/**
 * The app's env as an immutable ConfigMap named after its content: a change is a new object,
 * so release N keeps pointing at N's values and a rollback restores them (and immutable
 * ConfigMaps are not watched by kubelets, which spares the API server).
 */
export function envConfigMap(params: { app: string; namespace: string; env: Record<string, string> }): Manifest | undefined {
  const { app, namespace, env } = params;
  if (Object.keys(env).length === 0) return undefined;
  const data = Object.fromEntries(Object.entries(env).sort(([a], [b]) => a.localeCompare(b)));
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${app}-env-${contentHash(env)}`, namespace, labels: { ...appLabels(app), [LABELS.config]: 'env' } },
    immutable: true,
    data,
  };
}

export function secretName(app: string, version: string): string {
  return `${app}-secret-${version}`;
}

/**
 * envFrom of the app's container (and its hooks): linked Secrets first, then the app's own env
 * and secrets, so the app's settings win over a linked database's on a shared key (later
 * sources override earlier ones; explicit `env` entries such as PORT override them all).
 */
export function envFromRefs(params: { app: string; namespace: string; config: DeployConfig }): Array<Record<string, unknown>> {
  const { app, namespace, config } = params;
  const refs: Array<Record<string, unknown>> = config.links.map((name) => ({ secretRef: { name } }));
  const configMap = envConfigMap({ app, namespace, env: config.env });
  if (configMap) refs.push({ configMapRef: { name: configMap.metadata.name } });
  if (config.secret) refs.push({ secretRef: { name: secretName(app, config.secret.version) } });
  return refs;
}
