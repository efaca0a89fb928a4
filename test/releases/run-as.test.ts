import { loadConfig } from '../../src/config.js';
import { renderHookJob } from '../../src/releases/hooks/render-hook.js';
import type { Manifest } from '../../src/releases/render/manifest.js';
import { renderManifests } from '../../src/releases/render/render.js';
import { withRunAs } from '../../src/releases/render/run-as.js';
import type { RunAs } from '../../src/releases/render/uid-range.js';
import { defaultDeployConfig } from '../../src/store/deploy-config.js';
import type { DeployConfig } from '../../src/store/types.js';

const RUN_AS = { runAsUser: 1_000_040_000, fsGroup: 1_000_040_000 } satisfies RunAs;
const image = '127.0.0.1:5000/shop@sha256:' + 'a'.repeat(64);
const config = defaultDeployConfig('shop');
type Obj = Manifest & { spec: Record<string, any> };

const meta = { name: 'shop', namespace: 'shop' };
const pod = (securityContext?: Record<string, unknown>) => ({ spec: { containers: [{ name: 'app' }], ...(securityContext ? { securityContext } : {}) } });
const deployment = (securityContext?: Record<string, unknown>): Manifest => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta, spec: { replicas: 2, template: pod(securityContext) } });
const service: Manifest = { apiVersion: 'v1', kind: 'Service', metadata: meta, spec: { ports: [{ port: 80 }] } };
const restricted = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };

describe('withRunAs: pods run as their namespace\'s uid, unless the pod spec says otherwise', () => {
  test.each<[string, Manifest, RunAs | undefined, Manifest]>([
    ['a Deployment: runAsUser and fsGroup added, the rest of its context kept', deployment(restricted), RUN_AS, deployment({ ...RUN_AS, ...restricted })],
    ['no securityContext at all', deployment(), RUN_AS, deployment(RUN_AS)],
    [
      'a StatefulSet',
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta, spec: { serviceName: 'shop', template: pod(restricted) } },
      RUN_AS,
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta, spec: { serviceName: 'shop', template: pod({ ...RUN_AS, ...restricted }) } },
    ],
    [
      'a CronJob\'s job template',
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta, spec: { schedule: '@daily', jobTemplate: { spec: { template: pod() } } } },
      RUN_AS,
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta, spec: { schedule: '@daily', jobTemplate: { spec: { template: pod(RUN_AS) } } } },
    ],
    ['a template\'s own runAsUser wins; fsGroup still added', deployment({ runAsUser: 999 }), RUN_AS, deployment({ fsGroup: RUN_AS.fsGroup, runAsUser: 999 })],
    ['a template\'s own fsGroup wins', deployment({ fsGroup: 2000 }), RUN_AS, deployment({ runAsUser: RUN_AS.runAsUser, fsGroup: 2000 })],
    ['a template\'s own runAsGroup stays; none is added', deployment({ runAsGroup: 3000 }), RUN_AS, deployment({ ...RUN_AS, runAsGroup: 3000 })],
    ['a Service is left alone', service, RUN_AS, service],
    ['no range (setting off): unchanged', deployment(restricted), undefined, deployment(restricted)],
  ])('%s', (_name, manifest, runAs, expected) => {
    const applied = withRunAs([manifest], runAs);
    expect(applied).toEqual([expected]);
    expect(JSON.stringify(applied)).not.toContain('runAsGroup":0');
  });

  test('a rendered release: only the workload\'s pod context changes, and the recorded manifests are not touched', () => {
    for (const patch of [{}, { kind: 'StatefulSet' as const }]) {
      const rendered = renderManifests({ app: 'shop', release: 3, image, port: 8080, config: { ...config, ...patch } as DeployConfig });
      const before = structuredClone(rendered);
      const applied = withRunAs(rendered, RUN_AS);
      expect(rendered).toEqual(before);
      const workload = applied.find((m) => m.kind === 'Deployment' || m.kind === 'StatefulSet') as Obj;
      expect(workload.spec.template.spec.securityContext).toEqual({ ...RUN_AS, ...restricted });
      // Containers keep the restricted container context; nothing else of the release changes.
      expect(workload.spec.template.spec.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      const strip = (ms: Manifest[]) => ms.map((m) => JSON.stringify(m).replace(/"runAsUser":\d+,"fsGroup":\d+,/, ''));
      expect(strip(applied)).toEqual(strip(rendered));
    }
  });

  test('a hook Job runs as the app\'s pods do', () => {
    const job = renderHookJob({ app: 'shop', release: 3, image, port: 8080, config, phase: 'pre', hook: { command: ['./migrate'], timeoutSeconds: 60 } });
    const [applied] = withRunAs([job], RUN_AS) as [Obj];
    expect(applied.spec.template.spec.securityContext).toEqual({ ...RUN_AS, ...restricted });
    expect(applied.spec.backoffLimit).toBe(0);
  });
});

describe('SLIPWAY_ARBITRARY_UIDS', () => {
  const base = { SLIPWAY_API_TOKEN: 'x'.repeat(32), SLIPWAY_REGISTRY: '127.0.0.1:5000', SLIPWAY_SECRETS_KEY: Buffer.alloc(32, 1).toString('base64') };
  test.each<[string | undefined, boolean]>([
    [undefined, false],
    ['true', true],
    ['yes', true],
    ['false', false],
  ])('%s → %s', (value, expected) => {
    expect(loadConfig({ ...base, ...(value !== undefined ? { SLIPWAY_ARBITRARY_UIDS: value } : {}) }).arbitraryUids).toBe(expected);
  });
  test('anything else stops start-up, naming the variable', () => {
    expect(() => loadConfig({ ...base, SLIPWAY_ARBITRARY_UIDS: 'sometimes' })).toThrow(/SLIPWAY_ARBITRARY_UIDS must be true or false/);
  });
});
