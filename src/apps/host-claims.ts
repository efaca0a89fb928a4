import { SlipwayError } from '../errors.js';
import { routedHosts } from '../releases/render/ingress.js';
import type { AppStore } from '../store/app-store.js';
import type { App, DeployConfig } from '../store/types.js';

type Routed = Pick<DeployConfig, 'host' | 'routes'>;

/**
 * The hosts `deploy` routes that `before` did not and that another app routes already, each with
 * that app. A host belongs to one app, whatever the path, as a route's host belongs to one
 * namespace in OpenShift (HostAlreadyClaimed): the first to claim it keeps it. Pure.
 */
export function hostsClaimedElsewhere(params: { app: string; deploy: Routed; before?: Routed; others: App[] }): { host: string; app: string }[] {
  const had = new Set(params.before ? routedHosts(params.before).map((h) => h.toLowerCase()) : []);
  const claimed = routedHosts(params.deploy).map((h) => h.toLowerCase()).filter((h) => !had.has(h));
  return claimed.flatMap((host) => {
    const owner = params.others.find((other) => other.name !== params.app && routedHosts(other.deploy).some((h) => h.toLowerCase() === host));
    return owner ? [{ host, app: owner.name }] : [];
  });
}

/** Refuses (409 HOST_ALREADY_CLAIMED) a change that routes a host another app routes. */
export async function checkHostClaims(apps: AppStore, params: { app: string; deploy: Routed; before?: Routed }): Promise<void> {
  if (!routedHosts(params.deploy).length) return;
  const [taken] = hostsClaimedElsewhere({ ...params, others: await apps.list() });
  if (taken) {
    throw new SlipwayError('HOST_ALREADY_CLAIMED', `host ${taken.host} is routed by app "${taken.app}" already; remove it there first (slipway route rm ${taken.app} ${taken.host})`, taken);
  }
}
