import { appRoutes, renderIngress, tlsSecretName, withIngressClass } from '../../src/releases/render/ingress.js';
import type { Manifest } from '../../src/releases/render/manifest.js';
import { renderManifests } from '../../src/releases/render/render.js';
import { defaultDeployConfig } from '../../src/store/deploy-config.js';
import type { DeployConfig } from '../../src/store/types.js';

const metadata = { name: 'shop', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'shop' } };
const backend = (name = 'shop') => ({ service: { name, port: { name: 'http' } } });
const config = (extra: Partial<DeployConfig>): DeployConfig => ({ ...defaultDeployConfig('shop'), ...extra });
type Obj = Manifest & { spec: Record<string, any>; metadata: Manifest['metadata'] & { annotations?: Record<string, string> } };

describe('renderIngress', () => {
  test('an app with only a host renders the Ingress it always had, byte for byte', () => {
    const ingress = renderIngress({ app: 'shop', config: config({ host: 'shop.example.com' }), service: 'shop', metadata });
    // The exact JSON releases stored before routes existed (render.ts ingress(), issue 18).
    expect(JSON.stringify(ingress)).toBe(
      JSON.stringify({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata,
        spec: { rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend() }] } }] },
      }),
    );
  });

  test.each<[string, Partial<DeployConfig>, Record<string, unknown> | undefined, Record<string, string> | undefined]>([
    ['no host, no routes: no Ingress', {}, undefined, undefined],
    [
      'routes only: one rule per host, paths in order, Exact kept',
      { routes: [{ host: 'a.example.com', path: '/api' }, { host: 'b.example.com' }, { host: 'a.example.com', path: '/health', pathType: 'Exact' }] },
      {
        rules: [
          { host: 'a.example.com', http: { paths: [{ path: '/api', pathType: 'Prefix', backend: backend() }, { path: '/health', pathType: 'Exact', backend: backend() }] } },
          { host: 'b.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend() }] } },
        ],
      },
      undefined,
    ],
    [
      'host and a route of the same host: `/` first, then the route',
      { host: 'shop.example.com', routes: [{ host: 'shop.example.com', path: '/api' }] },
      { rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend() }, { path: '/api', pathType: 'Prefix', backend: backend() }] } }] },
      undefined,
    ],
    [
      'TLS from a Secret and the app class',
      { host: 'shop.example.com', tls: [{ host: 'shop.example.com', secretName: 'shop-cert' }], ingressClassName: 'nginx' },
      {
        ingressClassName: 'nginx',
        tls: [{ hosts: ['shop.example.com'], secretName: 'shop-cert' }],
        rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend() }] } }],
      },
      undefined,
    ],
    [
      'a cluster issuer: its annotation, and the Secret cert-manager writes',
      { routes: [{ host: 'a.example.com' }], tls: [{ host: 'a.example.com', issuer: { kind: 'ClusterIssuer', name: 'letsencrypt' } }] },
      {
        tls: [{ hosts: ['a.example.com'], secretName: tlsSecretName('shop', { host: 'a.example.com' }) }],
        rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend() }] } }],
      },
      { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
    ],
    [
      'a namespaced issuer with the Secret named',
      { host: 'a.example.com', tls: [{ host: 'a.example.com', secretName: 'mine', issuer: { kind: 'Issuer', name: 'ca' } }] },
      { tls: [{ hosts: ['a.example.com'], secretName: 'mine' }], rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend() }] } }] },
      { 'cert-manager.io/issuer': 'ca' },
    ],
  ])('%s', (_name, extra, spec, annotations) => {
    const ingress = renderIngress({ app: 'shop', config: config(extra), service: 'shop', metadata }) as Obj | undefined;
    if (!spec) return expect(ingress).toBeUndefined();
    expect(ingress!.spec).toEqual(spec);
    expect(ingress!.metadata.annotations).toEqual(annotations);
  });

  test('the issuer Secret name is a valid object name for the longest host', () => {
    const name = tlsSecretName('a'.repeat(63), { host: `${'b'.repeat(60)}.example.com` });
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/);
    expect(name).not.toBe(tlsSecretName('a'.repeat(63), { host: `${'c'.repeat(60)}.example.com` }));
  });

  test('appRoutes fills defaults and puts `host` first', () => {
    expect(appRoutes({ host: 'x.io', routes: [{ host: 'y.io', path: '/a', pathType: 'Exact' }, { host: 'z.io' }] })).toEqual([
      { host: 'x.io', path: '/', pathType: 'Prefix' },
      { host: 'y.io', path: '/a', pathType: 'Exact' },
      { host: 'z.io', path: '/', pathType: 'Prefix' },
    ]);
  });
});

describe('withIngressClass (the install class, at apply time)', () => {
  const ingress = (spec: Record<string, unknown>): Manifest => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata, spec });
  const service: Manifest = { apiVersion: 'v1', kind: 'Service', metadata, spec: {} };
  test.each<[string, Manifest[], string | undefined, Manifest[]]>([
    ['unset: unchanged', [ingress({ rules: [] })], undefined, [ingress({ rules: [] })]],
    ['an Ingress without a class gets it', [service, ingress({ rules: [] })], 'traefik', [service, ingress({ ingressClassName: 'traefik', rules: [] })]],
    ["the app's own class wins", [ingress({ ingressClassName: 'nginx', rules: [] })], 'traefik', [ingress({ ingressClassName: 'nginx', rules: [] })]],
  ])('%s', (_name, manifests, className, expected) => {
    expect(withIngressClass(manifests, className)).toEqual(expected);
  });
});

describe('renderManifests with routes', () => {
  const image = '127.0.0.1:5000/shop@sha256:' + 'a'.repeat(64);
  const render = (extra: Partial<DeployConfig>) => renderManifests({ app: 'shop', release: 3, image, port: 8080, config: config(extra) });
  const of = (ms: Manifest[], kind: string) => ms.filter((m) => m.kind === kind) as Obj[];

  test('blue-green: the preview Ingress maps every host (previewHost for the first), same paths, no TLS', () => {
    const ms = render({
      host: 'shop.example.com',
      routes: [{ host: 'api.example.com', path: '/v1' }],
      tls: [{ host: 'shop.example.com', secretName: 'cert' }],
      strategy: { type: 'BlueGreen', previewHost: 'staging.example.com' },
    });
    const [main, preview] = of(ms, 'Ingress');
    expect(main!.spec.rules.map((r: { host: string }) => r.host)).toEqual(['shop.example.com', 'api.example.com']);
    expect(preview!.metadata.name).toBe('shop-preview');
    expect(preview!.spec).toEqual({
      rules: [
        { host: 'staging.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('shop-preview') }] } },
        { host: 'api-preview.example.com', http: { paths: [{ path: '/v1', pathType: 'Prefix', backend: backend('shop-preview') }] } },
      ],
    });
  });

  test.each<[string, Partial<DeployConfig>, string[] | undefined]>([
    ['no host: no hostnames', {}, undefined],
    ['host only', { host: 'shop.example.com' }, ['shop.example.com']],
    ['host and routes: each host once', { host: 'shop.example.com', routes: [{ host: 'shop.example.com', path: '/a' }, { host: 'api.example.com' }] }, ['shop.example.com', 'api.example.com']],
  ])('canary behind a Gateway, %s: the HTTPRoute names the hosts, no Ingress', (_name, extra, hostnames) => {
    const ms = render({ ...extra, strategy: { type: 'Canary', gatewayRef: { name: 'edge' } } });
    expect(of(ms, 'Ingress')).toEqual([]);
    expect(of(ms, 'HTTPRoute')[0]!.spec.hostnames).toEqual(hostnames);
  });
});
