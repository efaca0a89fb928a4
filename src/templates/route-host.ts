// The host OpenShift's router gives a Route that names none: `<route>-<namespace>.<apps domain>`
// (the ingress controller's default `${name}-${namespace}.${domain}` template). Pure.

/** The first label of a host: at most 63 characters (RFC 1123), as Kubernetes checks an Ingress host. */
const MAX_LABEL = 63;

export type GeneratedHost = { host: string } | { none: string };

/**
 * `<route>-<namespace>.<appsDomain>`, or why there is none: no apps domain configured
 * (SLIPWAY_APPS_DOMAIN), or a first label longer than 63 characters, which an Ingress may not
 * have (OpenShift's router would not admit it either).
 */
export function generatedRouteHost(params: { route: string; namespace?: string; appsDomain?: string }): GeneratedHost {
  const { route, namespace, appsDomain } = params;
  if (!appsDomain) return { none: 'SLIPWAY_APPS_DOMAIN is not set' };
  if (!namespace) return { none: 'no namespace to name the host after' };
  const label = `${route}-${namespace}`;
  if (label.length > MAX_LABEL) return { none: `${label} is longer than ${MAX_LABEL} characters, too long for a DNS label` };
  return { host: `${label}.${appsDomain}` };
}
