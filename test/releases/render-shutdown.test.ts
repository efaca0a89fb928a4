import type { Manifest } from '../../src/releases/render/manifest.js';
import { configHash, renderManifests } from '../../src/releases/render/render.js';
import { checkDeployConfig, defaultDeployConfig } from '../../src/store/deploy-config.js';
import type { DeployConfig } from '../../src/store/types.js';

const image = '127.0.0.1:5000/shop@sha256:' + 'a'.repeat(64);
const config = defaultDeployConfig('shop');
type Obj = Manifest & { spec: Record<string, any> };
const podSpec = (c: DeployConfig, kind = 'Deployment') =>
  (renderManifests({ app: 'shop', release: 1, image, port: 8080, config: c }).find((m) => m.kind === kind) as Obj).spec.template.spec;
const pause = (seconds: number) => ({ preStop: { sleep: { seconds } } });

describe('graceful shutdown of the app pods', () => {
  test.each<[string, DeployConfig['shutdown'], number, unknown]>([
    ['by default: a 5 s pause (the kubelet sleeps, no shell needed) and 30 s to stop', undefined, 30, pause(5)],
    ['the pause turned off', { preStopSeconds: 0 }, 30, undefined],
    ['both set', { gracePeriodSeconds: 60, preStopSeconds: 20 }, 60, pause(20)],
    ['only the grace period: the default pause', { gracePeriodSeconds: 10 }, 10, pause(5)],
  ])('%s', (_name, shutdown, grace, lifecycle) => {
    for (const kind of ['Deployment', 'StatefulSet'] as const) {
      const spec = podSpec({ ...config, kind, ...(shutdown ? { shutdown } : {}) }, kind);
      expect(spec.terminationGracePeriodSeconds).toBe(grace);
      expect(spec.containers[0].lifecycle).toEqual(lifecycle);
    }
  });

  test.each<[string, Record<string, unknown>, Record<string, unknown>, number, unknown]>([
    ['says nothing: gets the app\'s', {}, {}, 30, pause(5)],
    ['its own grace period stays; the pause fits in it', { terminationGracePeriodSeconds: 90 }, {}, 90, pause(5)],
    ['its own grace period is shorter than the pause: no pause', { terminationGracePeriodSeconds: 3 }, {}, 3, undefined],
    ['its own preStop stays', {}, { lifecycle: { preStop: { exec: { command: ['nginx', '-s', 'quit'] } } } }, 30, { preStop: { exec: { command: ['nginx', '-s', 'quit'] } } }],
    ['its postStart stays beside the pause', {}, { lifecycle: { postStart: { exec: { command: ['true'] } } } }, 30, { postStart: { exec: { command: ['true'] } }, ...pause(5) }],
  ])("a template's pod spec that %s", (_name, pod, container, grace, lifecycle) => {
    const podTemplate = { container: 'web', labels: {}, spec: { ...pod, containers: [{ name: 'web', image: ' ', ...container }, { name: 'sidecar', image: 'busybox' }] } };
    const spec = podSpec({ ...config, service: false, podTemplate });
    expect(spec.terminationGracePeriodSeconds).toBe(grace);
    expect(spec.containers[0].lifecycle).toEqual(lifecycle);
    // Only the release's container: a sidecar stops as the template says.
    expect(spec.containers[1]).not.toHaveProperty('lifecycle');
    expect(podTemplate.spec.containers[0]).toEqual({ name: 'web', image: ' ', ...container });
  });

  const rwo = { name: 'data', size: '1Gi', mountPath: '/data', accessMode: 'ReadWriteOnce' } as NonNullable<DeployConfig['volumes']>[number];
  test.each<[string, Partial<DeployConfig>, unknown]>([
    ['Recreate chosen: no pause, since no pod is left to take the traffic', { strategy: { type: 'Recreate' } }, undefined],
    ['Recreate by default, for a ReadWriteOnce volume: no pause', { volumes: [rwo] }, undefined],
    ['Recreate with a pause asked for: the pause', { strategy: { type: 'Recreate' }, shutdown: { preStopSeconds: 3 } }, pause(3)],
    ['Rolling chosen: the default pause', { strategy: { type: 'Rolling' } }, pause(5)],
    ['a StatefulSet with a ReadWriteOnce volume rolls by ordinal: the default pause', { kind: 'StatefulSet', volumes: [rwo] }, pause(5)],
  ])('%s', (_name, change, lifecycle) => {
    const kind = change.kind ?? 'Deployment';
    const spec = podSpec({ ...config, ...change }, kind);
    expect(spec.terminationGracePeriodSeconds).toBe(30);
    expect(spec.containers[0].lifecycle).toEqual(lifecycle);
  });

  test('enters the config hash only when set: existing releases keep their hash', () => {
    const unset = configHash({ port: 8080, config });
    expect(configHash({ port: 8080, config: { ...config, shutdown: { preStopSeconds: 5 } } })).not.toBe(unset);
    expect(configHash({ port: 8080, config: { ...config, shutdown: { preStopSeconds: 0 } } })).not.toBe(configHash({ port: 8080, config: { ...config, shutdown: { preStopSeconds: 5 } } }));
    const { shutdown: _, ...without } = { ...config, shutdown: undefined };
    expect(configHash({ port: 8080, config: without })).toBe(unset);
  });
});

describe('checkDeployConfig: the pause ends within the grace period', () => {
  test.each<[DeployConfig['shutdown'], string | undefined]>([
    [{ gracePeriodSeconds: 10, preStopSeconds: 10 }, 'preStopSeconds 10 must be less than gracePeriodSeconds 10'],
    [{ gracePeriodSeconds: 5 }, 'preStopSeconds 5 (the default) must be less than gracePeriodSeconds 5'],
    [{ preStopSeconds: 30 }, 'preStopSeconds 30 must be less than gracePeriodSeconds 30 (the default)'],
    [{ gracePeriodSeconds: 1, preStopSeconds: 0 }, undefined],
    [{ gracePeriodSeconds: 6 }, undefined],
    [{ preStopSeconds: 29 }, undefined],
  ])('%j', (shutdown, refusal) => {
    const check = () => checkDeployConfig({ ...config, shutdown });
    if (refusal) expect(check).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', message: expect.stringContaining(refusal), details: { field: 'shutdown.preStopSeconds' } }));
    else expect(check().shutdown).toEqual(shutdown);
  });

  test('a Recreate app, whose default is no pause, may set a grace period below 5 s', () => {
    const shutdown = { gracePeriodSeconds: 3 };
    expect(checkDeployConfig({ ...config, strategy: { type: 'Recreate' }, shutdown }).shutdown).toEqual(shutdown);
    expect(() => checkDeployConfig({ ...config, strategy: { type: 'Rolling' }, shutdown })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});
