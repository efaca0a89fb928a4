import { renderHookJob } from '../../src/releases/hooks/render-hook.js';
import type { Manifest } from '../../src/releases/render/manifest.js';
import { PULL_SECRET_NAME, pullSecretVerdict, registryServer, renderPullSecret, withPullSecret } from '../../src/releases/render/pull-secret.js';
import { renderManifests } from '../../src/releases/render/render.js';
import { defaultDeployConfig } from '../../src/store/deploy-config.js';
import type { DeployConfig } from '../../src/store/types.js';

const image = '127.0.0.1:5000/shop@sha256:' + 'a'.repeat(64);
const config = defaultDeployConfig('shop');
type Obj = Manifest & { spec: Record<string, any>; data?: Record<string, string> };

const podSpec = (manifests: Manifest[]) => (manifests.find((m) => m.kind === 'Deployment' || m.kind === 'StatefulSet') as Obj).spec.template.spec;
const dockerConfig = (secret: Manifest) => JSON.parse(Buffer.from((secret as Obj).data!['.dockerconfigjson']!, 'base64').toString());

describe('renderPullSecret', () => {
  test.each<[string, { host: string; username?: string; password?: string }, unknown]>([
    ['host:port', { host: '127.0.0.1:5000', username: 'slipway', password: 'pw1' }, { '127.0.0.1:5000': { username: 'slipway', password: 'pw1', auth: Buffer.from('slipway:pw1').toString('base64') } }],
    // docker config auths are keyed by registry host; the repository namespace is not part of it.
    ['host with a namespace path', { host: 'registry.example.com/slipway', username: 'u', password: 'p:w' }, { 'registry.example.com': { username: 'u', password: 'p:w', auth: Buffer.from('u:p:w').toString('base64') } }],
  ])('%s', (_name, registry, auths) => {
    const secret = renderPullSecret({ namespace: 'web', registry })!;
    expect(secret).toMatchObject({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', metadata: { name: PULL_SECRET_NAME, namespace: 'web', labels: { 'app.kubernetes.io/managed-by': 'slipway' } } });
    expect(dockerConfig(secret)).toEqual({ auths });
  });

  test.each<[string, { host: string; username?: string; password?: string }]>([
    ['no credentials', { host: '127.0.0.1:5000' }],
    ['user without password', { host: '127.0.0.1:5000', username: 'slipway' }],
  ])('%s: no secret', (_name, registry) => {
    expect(renderPullSecret({ namespace: 'web', registry })).toBeUndefined();
  });

  test('a changed password renders different data (the next apply rotates it)', () => {
    const a = renderPullSecret({ namespace: 'web', registry: { host: 'r:5000', username: 'u', password: 'old' } })!;
    const b = renderPullSecret({ namespace: 'web', registry: { host: 'r:5000', username: 'u', password: 'new' } })!;
    expect((a as Obj).data).not.toEqual((b as Obj).data);
  });

  test('registryServer', () => {
    expect(['127.0.0.1:5000', 'r.example.com/a/b', 'r.example.com:443/x'].map(registryServer)).toEqual(['127.0.0.1:5000', 'r.example.com', 'r.example.com:443']);
  });
});

describe('withPullSecret on rendered releases', () => {
  const render = (patch: Partial<DeployConfig>) => renderManifests({ app: 'shop', release: 3, image, port: 8080, config: { ...config, ...patch } });
  const podTemplate = { container: 'web', labels: { role: 'web' }, spec: { imagePullSecrets: [{ name: 'their-mirror' }], containers: [{ name: 'web', image: 'x' }] } };

  test.each<[string, Partial<DeployConfig>, string | undefined, unknown]>([
    ['Deployment, with a secret', {}, PULL_SECRET_NAME, [{ name: PULL_SECRET_NAME }]],
    ['StatefulSet, with a secret', { kind: 'StatefulSet' }, PULL_SECRET_NAME, [{ name: PULL_SECRET_NAME }]],
    ['no secret: no imagePullSecrets at all', {}, undefined, undefined],
    ["a template's own pod spec: its entries kept, ours added", { podTemplate } as Partial<DeployConfig>, PULL_SECRET_NAME, [{ name: 'their-mirror' }, { name: PULL_SECRET_NAME }]],
  ])('%s', (_name, patch, secret, expected) => {
    const rendered = render(patch);
    const applied = withPullSecret(rendered, secret);
    expect(podSpec(applied).imagePullSecrets).toEqual(expected);
    // Everything else as rendered; the recorded manifests are not changed.
    expect(applied.filter((m) => m.kind !== 'Deployment' && m.kind !== 'StatefulSet')).toEqual(rendered.filter((m) => m.kind !== 'Deployment' && m.kind !== 'StatefulSet'));
    expect(podSpec(rendered).imagePullSecrets).toEqual(patch.podTemplate ? [{ name: 'their-mirror' }] : undefined);
  });

  test('applying twice adds it once', () => {
    expect(podSpec(withPullSecret(withPullSecret(render({}), PULL_SECRET_NAME), PULL_SECRET_NAME)).imagePullSecrets).toEqual([{ name: PULL_SECRET_NAME }]);
  });
});

describe('hook Jobs and the pull secret', () => {
  const hook = { command: ['sh', '-c', 'true'], timeoutSeconds: 60 };
  test.each<[string, string | undefined, unknown]>([
    ['with a secret', PULL_SECRET_NAME, [{ name: PULL_SECRET_NAME }]],
    ['without', undefined, undefined],
  ])('%s', (_name, secret, expected) => {
    const job = renderHookJob({ app: 'shop', release: 3, image, port: 8080, config, phase: 'pre', hook, ...(secret ? { imagePullSecret: secret } : {}) }) as Obj;
    expect(job.spec.template.spec.imagePullSecrets).toEqual(expected);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
  });
});

describe('pullSecretVerdict: what a deploy worker starting does with a pull secret it finds', () => {
  const desired = renderPullSecret({ namespace: 'web', registry: { host: 'r:5000/slipway', username: 'u', password: 'new' } })!;
  const encode = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64');
  const live = (auths: unknown, type = 'kubernetes.io/dockerconfigjson') => ({ type, data: { '.dockerconfigjson': encode(auths) } });
  const entry = (password: string) => ({ username: 'u', password, auth: Buffer.from(`u:${password}`).toString('base64') });
  test.each<[string, { type?: string; data?: Record<string, string> }, string]>([
    ['the same credentials', { type: 'kubernetes.io/dockerconfigjson', data: (desired as Obj).data! }, 'current'],
    ['the old password for this registry', live({ auths: { 'r:5000': entry('old') } }), 'stale'],
    ['another user for this registry', live({ auths: { 'r:5000': { username: 'v', password: 'p' } } }), 'stale'],
    ['another registry (another install)', live({ auths: { 'other:5000': entry('new') } }), 'foreign'],
    ['this registry and one more (not a config Slipway writes)', live({ auths: { 'r:5000': entry('old'), 'mirror:5000': entry('m') } }), 'foreign'],
    ['not a docker config', live({ auths: { 'r:5000': entry('old') } }, 'Opaque'), 'foreign'],
    ['no data', { type: 'kubernetes.io/dockerconfigjson' }, 'foreign'],
    ['data that is not JSON', live('{not json'), 'foreign'],
    ['JSON without auths', live({ credHelpers: {} }), 'foreign'],
  ])('%s', (_name, found, verdict) => {
    expect(pullSecretVerdict(found, desired)).toBe(verdict);
  });
});
