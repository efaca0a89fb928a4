import type { Release } from '../../store/types.js';
import type { RouteList } from '../../store/views.js';
import { apiPath, withQuery } from '../api-path.js';
import { CliError, type ApiClient } from '../client.js';
import { settle } from './lifecycle.js';

type Print = (line: string) => void;
type Changed = RouteList & { release: Release | null };

export interface RouteAddOptions {
  exact?: boolean;
  tlsSecret?: string;
  issuer?: string;
  clusterIssuer?: string;
  wait: boolean;
}

/** `host[/path]` → host and path (no path: `/`), as `oc expose --hostname --path` and a URL read. */
export function parseRoute(arg: string): { host: string; path?: string } {
  const slash = arg.indexOf('/');
  const host = (slash < 0 ? arg : arg.slice(0, slash)).toLowerCase();
  if (!host || host.includes(':')) throw new CliError(`a route is host[/path], e.g. shop.example.com/api, got "${arg}"`);
  return slash < 0 || slash === arg.length - 1 ? { host } : { host, path: arg.slice(slash) };
}

export async function routeAddCommand(params: { client: ApiClient; app: string; route: string; options: RouteAddOptions; print: Print }): Promise<void> {
  const { client, app, options, print } = params;
  const given = [options.tlsSecret, options.issuer, options.clusterIssuer].filter(Boolean);
  if (given.length > 1) throw new CliError('route add takes one of --tls-secret, --issuer and --cluster-issuer');
  const tls = options.tlsSecret
    ? { secretName: options.tlsSecret }
    : options.issuer
      ? { issuer: { kind: 'Issuer', name: options.issuer } }
      : options.clusterIssuer
        ? { issuer: { kind: 'ClusterIssuer', name: options.clusterIssuer } }
        : undefined;
  const body = { ...parseRoute(params.route), ...(options.exact ? { pathType: 'Exact' } : {}), ...(tls ? { tls } : {}) };
  const result = await client.post<Changed>(apiPath`/apps/${app}/routes`, body);
  printRoutes(result, print);
  await settle({ client, app, release: result.release, wait: options.wait, print, what: 'Route added' });
}

export async function routeRemoveCommand(params: { client: ApiClient; app: string; route: string; wait: boolean; print: Print }): Promise<void> {
  const { client, app, print } = params;
  const { host, path } = parseRoute(params.route);
  const result = await client.request<Changed>('DELETE', withQuery(apiPath`/apps/${app}/routes`, { host, path }));
  printRoutes(result, print);
  await settle({ client, app, release: result.release, wait: params.wait, print, what: 'Route removed' });
}

export async function routeListCommand(params: { client: ApiClient; app: string; print: Print }): Promise<void> {
  printRoutes(await params.client.get<RouteList>(apiPath`/apps/${params.app}/routes`), params.print);
}

export async function routeClassCommand(params: { client: ApiClient; app: string; className?: string; wait: boolean; print: Print }): Promise<void> {
  const { client, app, print } = params;
  const result = await client.request<Changed>('PUT', apiPath`/apps/${app}/ingress-class`, { ingressClassName: params.className ?? null });
  printRoutes(result, print);
  await settle({ client, app, release: result.release, wait: params.wait, print, what: 'Ingress class set' });
}

function printRoutes(list: RouteList, print: Print): void {
  if (!list.routes.length) {
    print('(no routes: the app has no Ingress; add one with slipway route add <app> <host>[/path])');
    return;
  }
  print(['URL'.padEnd(48), 'MATCH'.padEnd(7), 'TLS'].join(' '));
  for (const r of list.routes) {
    const tls = r.tls ? `${r.tls.secretName}${r.tls.issuer ? ` (${r.tls.issuer.kind} ${r.tls.issuer.name})` : ''}` : '-';
    print([r.url.padEnd(48), r.pathType.padEnd(7), tls].join(' '));
  }
  print(`Ingress class: ${list.ingressClassName ?? "the cluster's default"}`);
}
