// The Gateway API HTTPRoute of a canary routed by exact weights (strategy.gatewayRef): the
// router, not the pod count, decides each release's share.
import type { Manifest } from './manifest.js';

export interface Backend {
  /** A Service of one release's pods (`<app>-r<n>`). */
  service: string;
  weight: number;
}

/** The app's HTTPRoute on the strategy's Gateway, every request to `backends` by weight; the app's hosts (`host` and its routes'), when it has any. */
export function httpRoute(params: { metadata: Manifest['metadata']; gateway: { name: string; namespace?: string }; hosts?: string[]; backends: Backend[] }): Manifest {
  const { gateway } = params;
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: params.metadata,
    spec: {
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: gateway.name, ...(gateway.namespace ? { namespace: gateway.namespace } : {}) }],
      ...(params.hosts?.length ? { hostnames: params.hosts } : {}),
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: backendRefs(params.backends) }],
    },
  };
}

/** A release's HTTPRoute with its traffic split over `backends` instead (a canary step, or all back on the stable release). */
export function withBackends(route: Manifest, backends: Backend[]): Manifest {
  const spec = route.spec as { rules: Array<Record<string, unknown>> };
  return { ...route, spec: { ...spec, rules: spec.rules.map((rule) => ({ ...rule, backendRefs: backendRefs(backends) })) } };
}

function backendRefs(backends: Backend[]): Array<Record<string, unknown>> {
  return backends.filter((b) => b.weight > 0).map((b) => ({ group: '', kind: 'Service', name: b.service, port: 80, weight: b.weight }));
}
