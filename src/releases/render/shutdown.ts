// Graceful shutdown of an app's pods (issue 19). When a pod is deleted, the kubelet stops it and
// the endpoints controller drops it from the Service at the same time: without a pause, SIGTERM
// can reach the server while the Service (kube-proxy, the API server's proxy, an ingress) still
// sends it requests, and those fail. A preStop pause keeps the pod serving until the endpoints
// have caught up; SIGTERM follows, and the grace period bounds the whole.
import { shutdownOf } from '../../store/deploy-config.js';

type Obj = Record<string, unknown>;

/** 0 `preStopSeconds`: no pause. */
export type Shutdown = ReturnType<typeof shutdownOf>;

/**
 * The container's preStop pause as the kubelet's own `sleep` action (Kubernetes 1.30+): it needs
 * no shell or `sleep` binary in the image. None when the pause is off, or would not end within
 * the grace period (the kubelet would kill the container in the middle of it).
 */
export function preStopLifecycle(shutdown: Shutdown): Obj | undefined {
  if (shutdown.preStopSeconds <= 0 || shutdown.preStopSeconds >= shutdown.gracePeriodSeconds) return undefined;
  return { preStop: { sleep: { seconds: shutdown.preStopSeconds } } };
}

/**
 * A template's own pod spec with the app's shutdown where it says nothing: its
 * terminationGracePeriodSeconds and `container`'s preStop hook, when it has them, stay as they
 * are (the pause then only if it ends within the template's grace period). Pure: a copy.
 */
export function withShutdownDefaults(params: { spec: Obj; container: string; config: Parameters<typeof shutdownOf>[0] }): Obj {
  const spec = { ...params.spec };
  const own = shutdownOf(params.config);
  if (spec.terminationGracePeriodSeconds === undefined) spec.terminationGracePeriodSeconds = own.gracePeriodSeconds;
  const grace = Number(spec.terminationGracePeriodSeconds);
  const lifecycle = preStopLifecycle({ gracePeriodSeconds: grace, preStopSeconds: own.preStopSeconds });
  if (!lifecycle || !Array.isArray(spec.containers)) return spec;
  spec.containers = (spec.containers as Obj[]).map((c) => {
    if (c.name !== params.container) return c;
    const given = (c.lifecycle ?? {}) as Obj;
    return given.preStop === undefined ? { ...c, lifecycle: { ...given, ...lifecycle } } : c;
  });
  return spec;
}
