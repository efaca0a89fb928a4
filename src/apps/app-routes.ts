import { SlipwayError } from '../errors.js';
import { requireCertManager } from '../releases/cluster/cert-manager.js';
import { appRoutes, routedHosts, tlsSecretName } from '../releases/render/ingress.js';
import type { Services } from '../services/services.js';
import { checkDeployConfig } from '../store/deploy-config.js';
import type { App, DeployConfig, Release, RouteInput } from '../store/types.js';
import type { RouteList } from '../store/views.js';
import { changeApp } from './change-app.js';

type RouteDeps = Pick<Services, 'apps' | 'releases' | 'deployQueue' | 'config' | 'kubeConfig'>;

/** Every host and path the app is reached by (`host` first), each with its host's TLS, and the class serving them. */
export function listRoutes(params: { app: App; installClass?: string }): RouteList {
  const { deploy } = params.app;
  const routes = appRoutes(deploy).map((route, i) => {
    const tls = deploy.tls?.find((t) => t.host === route.host);
    return {
      ...route,
      primary: i === 0 && route.host === deploy.host,
      url: `${tls ? 'https' : 'http'}://${route.host}${route.path}`,
      ...(tls ? { tls: { secretName: tlsSecretName(params.app.name, tls), ...(tls.issuer ? { issuer: tls.issuer } : {}) } } : {}),
    };
  });
  return { routes, ingressClassName: deploy.ingressClassName ?? params.installClass ?? null };
}

/**
 * Adds a host and path to the app's Ingress, a new release when it runs. TLS given with it
 * replaces its host's; a route the app has already only takes the TLS (APP_ROUTE_EXISTS without).
 * An issuer needs cert-manager in the cluster (CERT_MANAGER_MISSING otherwise).
 */
export async function addRoute(deps: RouteDeps, params: { app: string; route: RouteInput }): Promise<{ routes: RouteList; release: Release | null }> {
  const app = await deps.apps.get(params.app);
  const { tls, ...route } = params.route;
  const path = route.path ?? '/';
  const exists = appRoutes(app.deploy).some((r) => r.host === route.host && r.path === path);
  if (exists && !tls) throw new SlipwayError('APP_ROUTE_EXISTS', `app "${app.name}" already routes ${route.host}${path}`, { host: route.host, path });
  if (tls?.issuer) await requireCertManager(deps.kubeConfig());
  const routes = exists ? app.deploy.routes : [...(app.deploy.routes ?? []), route];
  const hostTls = tls ? [...(app.deploy.tls ?? []).filter((t) => t.host !== route.host), { host: route.host, ...tls }] : app.deploy.tls;
  return save(deps, app, checkDeployConfig({ ...app.deploy, ...(routes ? { routes } : {}), ...(hostTls ? { tls: hostTls } : {}) }, app.deploy));
}

/**
 * Removes a host and path (`host` itself when it is the app's at `/`); a host left without routes
 * loses its TLS. An app left without any loses its Ingress with the release this makes: the
 * deploy worker deletes what a release does not render (cluster/prune-unrendered.ts).
 */
export async function removeRoute(deps: RouteDeps, params: { app: string; host: string; path?: string }): Promise<{ routes: RouteList; release: Release | null }> {
  const app = await deps.apps.get(params.app);
  const path = params.path ?? '/';
  const { host: primary, routes: _routes, tls: _tls, ...rest } = app.deploy;
  const isPrimary = primary === params.host && path === '/';
  const routes = (app.deploy.routes ?? []).filter((r) => !(r.host === params.host && (r.path ?? '/') === path));
  if (!isPrimary && routes.length === (app.deploy.routes ?? []).length) {
    throw new SlipwayError('APP_ROUTE_NOT_FOUND', `app "${app.name}" does not route ${params.host}${path}`, { host: params.host, path });
  }
  const kept = { ...(primary && !isPrimary ? { host: primary } : {}), ...(routes.length ? { routes } : {}) };
  const hosts = routedHosts(kept);
  const tls = (app.deploy.tls ?? []).filter((t) => hosts.includes(t.host));
  return save(deps, app, checkDeployConfig({ ...rest, ...kept, ...(tls.length ? { tls } : {}) }, app.deploy));
}

/** The app's own IngressClass, or none (null): the install's, else the cluster's default. */
export async function setIngressClass(deps: RouteDeps, params: { app: string; ingressClassName: string | null }): Promise<{ routes: RouteList; release: Release | null }> {
  const app = await deps.apps.get(params.app);
  const { ingressClassName: _old, ...rest } = app.deploy;
  return save(deps, app, checkDeployConfig(params.ingressClassName ? { ...rest, ingressClassName: params.ingressClassName } : rest, app.deploy));
}

async function save(deps: RouteDeps, app: App, deploy: DeployConfig): Promise<{ routes: RouteList; release: Release | null }> {
  const { app: changed, release } = await changeApp(deps, { app, deploy });
  return { routes: listRoutes({ app: changed, ...(deps.config.ingressClass ? { installClass: deps.config.ingressClass } : {}) }), release: release ?? null };
}
