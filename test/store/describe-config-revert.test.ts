import { defaultDeployConfig } from '../../src/store/deploy-config.js';
import { describeConfigRevert } from '../../src/store/describe-config-revert.js';
import type { DeployConfig } from '../../src/store/types.js';

// `from` is the failed release's config, `to` the restored one's: what reverting says it changed.
const base: DeployConfig = { ...defaultDeployConfig('web'), env: { KEEP: 'same', CHANGED: 'good' } };
const probe = { type: 'http' as const, path: '/ready' };
const volume = { name: 'data', mountPath: '/data', size: '1Gi', accessMode: 'ReadWriteOnce' as const };
const hook = { command: ['sh', '-c', 'migrate'], timeoutSeconds: 300 };

describe('describeConfigRevert', () => {
  test.each<[string, Partial<DeployConfig>, Partial<DeployConfig>, string[]]>([
    ['nothing differs', {}, {}, []],
    ['an env var the failed release added', { env: { ...base.env, FOO: 'crash' } }, {}, ['env FOO removed']],
    ['an env var the failed release removed', { env: { KEEP: 'same' } }, {}, ['env CHANGED restored']],
    ['an env value the failed release changed: the key only, never a value', { env: { ...base.env, CHANGED: 'bad' } }, {}, ['env CHANGED restored to its earlier value']],
    ['env keys in name order', { env: { KEEP: 'x', B: '1', A: '1' } }, {}, ['env A removed', 'env B removed', 'env CHANGED restored', 'env KEEP restored to its earlier value']],
    ['a new secret version', { secret: { version: 'v2', keys: ['API_KEY'] } }, { secret: { version: 'v1', keys: ['API_KEY'] } }, ['secrets restored']],
    ['secrets the failed release added first', { secret: { version: 'v1', keys: ['API_KEY'] } }, {}, ['secrets removed']],
    ['same secret version', { secret: { version: 'v1', keys: ['A'] } }, { secret: { version: 'v1', keys: ['A'] } }, []],
    ['a new host', { host: 'www.x.test' }, {}, ['host www.x.test removed']],
    ['a changed host', { host: 'new.x.test' }, { host: 'old.x.test' }, ['host restored to old.x.test']],
    ['a route the failed release added', { routes: [{ host: 'x.test', path: '/api' }] }, {}, ['route x.test/api removed']],
    ['a route it removed, and one whose path type it changed', { routes: [{ host: 'x.test', path: '/v1', pathType: 'Exact' }] }, { routes: [{ host: 'x.test', path: '/v1' }, { host: 'y.test' }] }, ['route x.test/v1 restored to its earlier settings', 'route y.test/ restored']],
    ['TLS by host', { tls: [{ host: 'x.test', secretName: 'new-cert' }] }, { tls: [{ host: 'x.test', secretName: 'old-cert' }, { host: 'y.test', secretName: 'y-cert' }] }, ['TLS for x.test restored to its earlier settings', 'TLS for y.test restored']],
    ['an ingress class', { ingressClassName: 'nginx' }, { ingressClassName: 'traefik' }, ['ingress class restored to traefik']],
    ['a new readiness probe', { probes: { readiness: { ...probe, path: '/bad' } } }, { probes: { readiness: probe } }, ['readiness probe restored']],
    ['a liveness probe the failed release added', { probes: { liveness: probe } }, {}, ['liveness probe removed']],
    ['a readiness path', { readinessPath: '/bad' }, { readinessPath: '/ready' }, ['readiness path restored to /ready']],
    ['resources', { resources: { memory: '1Ti' } }, { resources: { memory: '128Mi' } }, ['resources restored']],
    ['resources the failed release added', { resources: { cpu: '64' } }, {}, ['resources removed']],
    ['a new volume', { volumes: [volume] }, {}, ['volume data removed']],
    ['a removed volume', {}, { volumes: [volume] }, ['volume data restored']],
    ['a resized volume', { volumes: [{ ...volume, size: '2Gi' }] }, { volumes: [volume] }, ['volume data restored to its earlier settings']],
    ['hooks', { hooks: { pre: hook, post: { ...hook, onFailure: 'rollback' } } }, { hooks: { pre: { ...hook, command: ['true'] } } }, ['pre hook restored', 'post hook removed']],
    ['strategy', { strategy: { type: 'Recreate' } }, { strategy: { type: 'Rolling' } }, ['strategy restored to Rolling']],
    ['strategy back to the default', { strategy: { type: 'Recreate' } }, {}, ['strategy restored to the default']],
    ['namespace and kind', { namespace: 'other', kind: 'StatefulSet' }, {}, ['namespace restored to web', 'kind restored to Deployment']],
    ['replicas, auto-deploy, deadline, restarts', { replicas: 3, autoDeploy: false, readinessDeadlineSeconds: 5, maxRestarts: 9 }, {}, ['replicas restored to 1', 'auto-deploy turned on again', 'readiness deadline restored to 120 s', 'max restarts restored to 3']],
    ['pod annotations by key', { podAnnotations: { 'a.io/x': '1' } }, {}, ['pod annotation a.io/x removed']],
    ['links', { links: ['db-new'] }, { links: ['db-old'] }, ['link db-new removed', 'link db-old restored']],
    ['the service', { service: false }, {}, ['service restored']],
    ['verification settings', { verify: { enabled: false } }, {}, ['verification settings removed']],
    ['shutdown settings', { shutdown: { preStopSeconds: 0 } }, {}, ['shutdown settings removed']],
    ['a pod template', { podTemplate: { container: 'c', labels: {}, spec: { containers: [] } } }, {}, ['pod template removed']],
    ['key order does not count as a change', { resources: { memory: '1Mi', cpu: '1' } }, { resources: { cpu: '1', memory: '1Mi' } }, []],
  ])('%s', (_name, from, to, expected) => {
    expect(describeConfigRevert({ from: { ...base, ...from }, to: { ...base, ...to } })).toEqual(expected);
  });

  test.each([
    [8080, 8080, []],
    [9090, 8080, ['port restored to 8080']],
  ])('port %d → %d', (from, to, expected) => {
    expect(describeConfigRevert({ from: base, to: base, ports: { from, to } })).toEqual(expected);
  });
});
