// The app's Ingress: its hosts and paths (`host` at `/`, then `routes`), TLS per host from a
// Secret or a cert-manager issuer, and its class. Pure.
import { createHash } from 'node:crypto';
import type { DeployConfig, RouteTls } from '../../store/types.js';
import type { Manifest } from './manifest.js';

/** A route with its defaults filled in. */
export interface AppRoute {
  host: string;
  path: string;
  pathType: 'Prefix' | 'Exact';
}

type RouteConfig = Pick<DeployConfig, 'host' | 'routes' | 'tls' | 'ingressClassName'>;

/** cert-manager's ingress-shim reads one of these on an Ingress and makes the Secrets its `tls` names. */
export const ISSUER_ANNOTATIONS = { Issuer: 'cert-manager.io/issuer', ClusterIssuer: 'cert-manager.io/cluster-issuer' } as const;

/** Every host and path the app is reached by: `host` at `/` first (as before routes existed), then `routes`. */
export function appRoutes(config: Pick<DeployConfig, 'host' | 'routes'>): AppRoute[] {
  const primary: AppRoute[] = config.host ? [{ host: config.host, path: '/', pathType: 'Prefix' }] : [];
  return [...primary, ...(config.routes ?? []).map((r) => ({ host: r.host, path: r.path ?? '/', pathType: r.pathType ?? 'Prefix' }))];
}

/** The hosts of `appRoutes`, each once, in order. */
export function routedHosts(config: Pick<DeployConfig, 'host' | 'routes'>): string[] {
  return [...new Set(appRoutes(config).map((r) => r.host))];
}

/**
 * The Secret a host's TLS is served from: the one named, else (with an issuer) `<app>-tls-<hash>`,
 * a name cert-manager fills and that stays a valid object name whatever the host's length.
 */
export function tlsSecretName(app: string, tls: Pick<RouteTls, 'host' | 'secretName'>): string {
  return tls.secretName ?? `${app}-tls-${createHash('sha256').update(tls.host).digest('hex').slice(0, 10)}`;
}

/**
 * The app's Ingress to `service`, or none when it has no route. An app with only `host` gets the
 * Ingress it always had (one rule, `/`, no class, no TLS), so existing releases render unchanged.
 * `preview`: the blue-green preview Ingress, every host mapped by it, without TLS (a Secret's
 * certificate does not name the preview hosts).
 */
export function renderIngress(params: { app: string; config: RouteConfig; service: string; metadata: Manifest['metadata']; preview?: (host: string, index: number) => string }): Manifest | undefined {
  const { app, config, preview } = params;
  const routes = appRoutes(config);
  if (!routes.length) return undefined;
  const hosts = routedHosts(config);
  const hostOf = (host: string) => (preview ? preview(host, hosts.indexOf(host)) : host);
  const backend = { service: { name: params.service, port: { name: 'http' } } };
  const rules = hosts.map((host) => ({
    host: hostOf(host),
    http: { paths: routes.filter((r) => r.host === host).map((r) => ({ path: r.path, pathType: r.pathType, backend })) },
  }));
  const tls = preview ? [] : (config.tls ?? []).filter((t) => hosts.includes(t.host));
  const issuer = tls.find((t) => t.issuer)?.issuer;
  const metadata = issuer ? { ...params.metadata, annotations: { ...(params.metadata as { annotations?: Record<string, string> }).annotations, [ISSUER_ANNOTATIONS[issuer.kind]]: issuer.name } } : params.metadata;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata,
    spec: {
      ...(config.ingressClassName ? { ingressClassName: config.ingressClassName } : {}),
      ...(tls.length ? { tls: tls.map((t) => ({ hosts: [t.host], secretName: tlsSecretName(app, t) })) } : {}),
      rules,
    },
  };
}

/**
 * The install's ingress class (SLIPWAY_INGRESS_CLASS) on every Ingress that names none, added at
 * apply time like pod placement: install config, not part of a release, so a rollback is served
 * by the class the install uses now. An app's own `ingressClassName` wins.
 */
export function withIngressClass(manifests: Manifest[], className: string | undefined): Manifest[] {
  if (!className) return manifests;
  return manifests.map((m) => {
    if (m.kind !== 'Ingress' || m.apiVersion !== 'networking.k8s.io/v1') return m;
    const spec = (m.spec ?? {}) as Record<string, unknown>;
    return spec.ingressClassName ? m : { ...m, spec: { ingressClassName: className, ...spec } };
  });
}
