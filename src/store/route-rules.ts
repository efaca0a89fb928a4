// The rules across an app's routes and their TLS that a JSON schema cannot say. Pure.
import { ValidationError } from '../errors.js';
import type { DeployConfig } from './types.js';

type Routes = Pick<DeployConfig, 'host' | 'routes' | 'tls'>;

/**
 * Each host and path once (`host` counts as its host at `/`); TLS only for a routed host, once
 * per host, from a Secret or an issuer; one issuer per app, because an Ingress carries one
 * cert-manager issuer annotation.
 */
export function checkRoutes(config: Routes): void {
  const seen = new Set(config.host ? [`${config.host}/`] : []);
  for (const [i, route] of (config.routes ?? []).entries()) {
    const key = `${route.host}${route.path ?? '/'}`;
    if (seen.has(key)) throw new ValidationError(`${route.host} ${route.path ?? '/'} is routed twice`, { field: `routes.${i}` });
    seen.add(key);
  }
  const hosts = new Set([...(config.host ? [config.host] : []), ...(config.routes ?? []).map((r) => r.host)]);
  const tlsHosts = new Set<string>();
  let issuer: string | undefined;
  for (const [i, tls] of (config.tls ?? []).entries()) {
    const field = `tls.${i}`;
    if (!hosts.has(tls.host)) throw new ValidationError(`TLS for ${tls.host}, which the app has no route for`, { field });
    if (tlsHosts.has(tls.host)) throw new ValidationError(`TLS for ${tls.host} is given twice`, { field });
    tlsHosts.add(tls.host);
    if (!tls.secretName && !tls.issuer) throw new ValidationError(`TLS for ${tls.host} needs a secretName or a cert-manager issuer`, { field });
    if (!tls.issuer) continue;
    const named = `${tls.issuer.kind} ${tls.issuer.name}`;
    if (issuer && issuer !== named) throw new ValidationError(`one cert-manager issuer per app (its Ingress has one issuer annotation): ${issuer} and ${named}`, { field: `${field}.issuer` });
    issuer = named;
  }
}
