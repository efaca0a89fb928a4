import type { DeployConfig, ProbeSpec } from '../../store/types.js';

type Probe = Record<string, unknown>;

const READINESS_TIMING = { periodSeconds: 5, failureThreshold: 3 };
// Liveness restarts containers: a slow start must not be mistaken for a hang.
const LIVENESS_TIMING = { initialDelaySeconds: 30, periodSeconds: 10, failureThreshold: 3 };

/** The readiness probe: the app's own, else HTTP GET on `readinessPath`, else a TCP connect to the port. */
export function readinessProbe(config: DeployConfig): Probe | undefined {
  const spec = config.probes?.readiness;
  if (spec) return renderProbe(spec, READINESS_TIMING);
  return config.readinessPath
    ? { httpGet: { path: config.readinessPath, port: 'http' }, ...READINESS_TIMING }
    : { tcpSocket: { port: 'http' }, ...READINESS_TIMING };
}

/** No liveness probe unless the app asks for one: a wrong one restarts healthy pods. */
export function livenessProbe(config: DeployConfig): Probe | undefined {
  const spec = config.probes?.liveness;
  return spec ? renderProbe(spec, LIVENESS_TIMING) : undefined;
}

function renderProbe(spec: ProbeSpec, defaults: Record<string, number>): Probe | undefined {
  const port = spec.port ?? 'http';
  const handler =
    spec.type === 'http' ? { httpGet: { path: spec.path ?? '/', port } }
    : spec.type === 'tcp' ? { tcpSocket: { port } }
    : spec.type === 'exec' ? { exec: { command: spec.command ?? [] } }
    : undefined;
  if (!handler) return undefined;
  const timing = Object.fromEntries(
    (['initialDelaySeconds', 'periodSeconds', 'failureThreshold', 'timeoutSeconds'] as const).flatMap((k) => (spec[k] !== undefined ? [[k, spec[k]]] : [])),
  );
  return { ...handler, ...defaults, ...timing };
}
