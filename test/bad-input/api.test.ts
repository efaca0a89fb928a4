import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { deleteNamespace, testKubeConfig } from '../helpers/cluster.js';
import { auth, TEST_TOKEN } from '../helpers/config.js';
import { changes, clusterSnapshot, errorBody, redisSnapshot } from './snapshot.js';

// Bad input to the REST API, one row per case: the exact status, the exact `{error: {code}}`,
// and nothing stored changed, in Redis (every key under the suite's prefix) or in the cluster
// (the app's namespace and its objects, the namespaces a case names). Four API instances share
// one prefix, so one seeded state stands behind every row: `main` (the test env's settings),
// `strict` (the default repo-URL rules: https/ssh only, no internal hosts), `limited` (a low
// rate limit, its own token) and `slow` (short HTTP timeouts, listening: the rows that must reach
// the server byte for byte go over a socket to it).

const kc = testKubeConfig();
const id = randomUUID().slice(0, 6);
const NS = `bad-api-${id}`;
const OWN_NAMESPACE = 'slipway-system';
const LIMITED_TOKEN = `limited-token-${randomUUID()}`;
const RATE_LIMIT = 3;
const GIT = 'git://127.0.0.1:9419';
const digestImage = (c: string) => `127.0.0.1:5000/shop@sha256:${c.repeat(64)}`;
// What the forbidden-template rows would have made, watched in the cluster.
const FORBIDDEN_NAMESPACE = `bad-input-ns-${id}`;
const FORBIDDEN_CLUSTER_ROLE = `bad-input-role-${id}`;
const FORBIDDEN_BINDING = `bad-input-binding-${id}`;

let main: TestApi;
let strict: TestApi;
let limited: TestApi;
let slow: TestApi;
let slowPort: number;

// ---- requests

type Via = 'main' | 'strict' | 'limited';
interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** A JSON body (sent as application/json). */
  body?: unknown;
  /** A body sent as these exact bytes, with `contentType` (default application/json). */
  raw?: string;
  contentType?: string;
  /** The Authorization header; default the suite's token, `null` for none. */
  authorization?: string | null;
  via?: Via;
  /** Spends this many requests of the token's budget first (the rate-limit row). */
  spend?: number;
}
/** Bytes written as they are to the listening `slow` server, which answers and closes. */
interface SocketRequest {
  socket: string;
}
type Row = [name: string, request: ApiRequest | SocketRequest, status: number, code: string];

const post = (url: string, body?: unknown, extra: Partial<ApiRequest> = {}): ApiRequest => ({ method: 'POST', url, body, ...extra });
const patch = (url: string, body?: unknown, extra: Partial<ApiRequest> = {}): ApiRequest => ({ method: 'PATCH', url, body, ...extra });
const put = (url: string, body?: unknown): ApiRequest => ({ method: 'PUT', url, body });
const del = (url: string, extra: Partial<ApiRequest> = {}): ApiRequest => ({ method: 'DELETE', url, ...extra });
/** A whole request line sent over a socket as written, with the token, nothing resolved. */
const wire = (line: string): SocketRequest => ({ socket: `${line} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TEST_TOKEN}\r\nConnection: close\r\n\r\n` });
/** A create whose only fault is `fault` (everything else is a valid new app). */
const create = (fault: Record<string, unknown>, extra: Partial<ApiRequest> = {}) => post('/apps', { name: 'fresh', repo: `${GIT}/fresh.git`, ...fault }, extra);
const repo = (url: string) => create({ repo: url }, { via: 'strict' });
const deploy = (fields: Record<string, unknown>) => patch('/apps/shop', { deploy: fields });
const provision = (content: unknown, extra: Record<string, unknown> = {}) =>
  post('/templates/provision', { content: JSON.stringify(content), namespace: NS, waitSeconds: 0, ...extra });

/** An OpenShift Template holding `objects`. */
const template = (name: string, objects: unknown[], parameters: unknown[] = []) => ({ apiVersion: 'template.openshift.io/v1', kind: 'Template', metadata: { name }, parameters, objects });
const deployment = (name: string, pod: Record<string, unknown>, container: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'busybox', ...container }], ...pod } },
  },
});

// ---- the rows

const BODY: Row[] = [
  ['malformed JSON', post('/apps', undefined, { raw: '{"name": "fresh", ' }), 400, 'BODY_INVALID'],
  ['malformed JSON to a change', patch('/apps/shop', undefined, { raw: '{"deploy": {"replicas": 0' }), 400, 'BODY_INVALID'],
  ['an empty body with a JSON content type', post('/apps', undefined, { raw: '' }), 400, 'BODY_INVALID'],
  ['an empty body with a JSON content type, to a change', patch('/apps/shop/env', undefined, { raw: '' }), 400, 'BODY_INVALID'],
  ['a JSON null where an object belongs', patch('/apps/shop', undefined, { raw: 'null' }), 400, 'VALIDATION_FAILED'],
  ['a body over the limit', create({ buildArgs: { PAD: 'y'.repeat(1_200_000) } }), 413, 'BODY_TOO_LARGE'],
  ['a body that is XML', post('/apps', undefined, { raw: '<app name="fresh"/>', contentType: 'application/xml' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ['a body in text/plain, to a change', patch('/apps/shop/env', undefined, { raw: 'GREETING=evil', contentType: 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ['an unknown route', { method: 'GET', url: '/nope/at/all' }, 404, 'ROUTE_NOT_FOUND'],
  ['an unknown route under an app', del('/apps/shop/everything'), 404, 'ROUTE_NOT_FOUND'],
  ['a method the route does not have', put('/apps/shop', { deploy: { replicas: 0 } }), 404, 'ROUTE_NOT_FOUND'],
];

const TOKENS: Row[] = [
  ['no token', del('/apps/shop', { authorization: null }), 401, 'AUTH_REQUIRED'],
  ['a wrong token', del('/apps/shop', { authorization: 'Bearer wrong-token-0123456789abcdef' }), 401, 'AUTH_INVALID'],
  ['a short token', del('/apps/shop', { authorization: 'Bearer test' }), 401, 'AUTH_INVALID'],
  ['the token less its last character', del('/apps/shop', { authorization: `Bearer ${TEST_TOKEN.slice(0, -1)}` }), 401, 'AUTH_INVALID'],
  ['the token under another scheme', del('/apps/shop', { authorization: `Basic ${TEST_TOKEN}` }), 401, 'AUTH_INVALID'],
  ['a bearer with no token', patch('/apps/shop/env', { set: { GREETING: 'evil' } }, { authorization: 'Bearer ' }), 401, 'AUTH_INVALID'],
];

const NAMES: Row[] = [
  ['create: an uppercase name', create({ name: 'Shop' }), 400, 'VALIDATION_FAILED'],
  ['create: a name of 64 characters', create({ name: `a${'b'.repeat(63)}` }), 400, 'VALIDATION_FAILED'],
  ['create: the name ".."', create({ name: '..' }), 400, 'VALIDATION_FAILED'],
  ['create: a name holding %2F', create({ name: 'shop%2Fvolumes' }), 400, 'VALIDATION_FAILED'],
  ['create: a name with a space', create({ name: 'my shop' }), 400, 'VALIDATION_FAILED'],
  ['create: a name with a leading dash', create({ name: '-shop' }), 400, 'VALIDATION_FAILED'],
  ['create: the name of an app that exists', create({ name: 'shop', repo: `${GIT}/other.git` }), 409, 'APP_EXISTS'],
  ['path: an uppercase name', del('/apps/SHOP'), 400, 'VALIDATION_FAILED'],
  // A client (fetch, light-my-request) resolves dot segments before sending; the server must not:
  // these go over a socket as written.
  ['path: ".." on the wire', wire('DELETE /apps/..'), 400, 'VALIDATION_FAILED'],
  ['path: "%2e%2e" on the wire', wire('DELETE /apps/%2e%2e'), 400, 'VALIDATION_FAILED'],
  ['path: /apps/../apps/shop on the wire', wire('DELETE /apps/../apps/shop'), 404, 'ROUTE_NOT_FOUND'],
  ['path: /apps/shop/.. on the wire', wire('DELETE /apps/shop/..'), 404, 'ROUTE_NOT_FOUND'],
  ['path: an encoded slash', del('/apps/shop%2Fvolumes%2Fdata'), 400, 'VALIDATION_FAILED'],
  ['path: an encoded ../', patch('/apps/x%2F..%2Fshop', { deploy: { replicas: 0 } }), 404, 'APP_NOT_FOUND'],
  ['path: a space', post('/apps/my%20shop/webhook-secret'), 400, 'VALIDATION_FAILED'],
  ['path: a leading dash', post('/apps/-shop/builds', { sha: 'c'.repeat(40) }), 400, 'VALIDATION_FAILED'],
  ['path: a name of 64 characters', del(`/apps/a${'b'.repeat(63)}`), 400, 'VALIDATION_FAILED'],
];

const REPO_URLS: Row[] = [
  ['repo: file://', repo('file:///etc/passwd'), 400, 'REPO_URL_INVALID'],
  ['repo: ext::', repo('ext::ssh-evil'), 400, 'REPO_URL_INVALID'],
  ['repo: --upload-pack=...', repo('--upload-pack=touch$IFS/tmp/pwned'), 400, 'REPO_URL_INVALID'],
  ['repo: -oProxyCommand', repo('-oProxyCommand=touch$IFS/tmp/pwned'), 400, 'REPO_URL_INVALID'],
  ['repo: credentials in the URL', repo('https://user:hunter2@github.com/acme/shop.git'), 400, 'REPO_URL_INVALID'],
  ['repo: a token as the user name', repo('https://ghp_16C7e42F292c6912E7710c838347Ae178B4a@github.com/acme/shop.git'), 400, 'REPO_URL_INVALID'],
  ['repo: http, which is not allowed', repo('http://github.com/acme/shop.git'), 400, 'REPO_URL_INVALID'],
  ['repo: git://, which is not allowed', repo('git://github.com/acme/shop.git'), 400, 'REPO_URL_INVALID'],
  ['repo: loopback', repo('https://127.0.0.1/acme/shop.git'), 422, 'REPO_URL_FORBIDDEN'],
  ['repo: loopback as a decimal number', repo('https://2130706433/acme/shop.git'), 422, 'REPO_URL_FORBIDDEN'],
  ['repo: localhost', repo('https://localhost/acme/shop.git'), 422, 'REPO_URL_FORBIDDEN'],
  ['repo: IPv6 loopback', repo('https://[::1]/acme/shop.git'), 422, 'REPO_URL_FORBIDDEN'],
  ['repo: private 10/8', repo('https://10.1.2.3/acme/shop.git'), 422, 'REPO_URL_FORBIDDEN'],
  ['repo: private 192.168/16', repo('https://192.168.1.10/acme/shop.git'), 422, 'REPO_URL_FORBIDDEN'],
  ['repo: carrier-grade NAT', repo('https://100.64.0.1/acme/shop.git'), 422, 'REPO_URL_FORBIDDEN'],
  ['repo: link-local metadata', repo('https://169.254.169.254/latest/meta-data'), 422, 'REPO_URL_FORBIDDEN'],
  ['repo: IPv4-mapped IPv6 metadata', repo('https://[::ffff:169.254.169.254]/latest'), 422, 'REPO_URL_FORBIDDEN'],
  ['repo: IPv4-compatible IPv6 loopback', repo('https://[::7f00:1]/acme/shop.git'), 422, 'REPO_URL_FORBIDDEN'],
  ['repo: kubernetes.default.svc', repo('https://kubernetes.default.svc/api'), 422, 'REPO_URL_FORBIDDEN'],
  ['repo: metadata.google.internal', repo('https://metadata.google.internal/computeMetadata/v1'), 422, 'REPO_URL_FORBIDDEN'],
  ['repo: an scp-like ssh URL to a private address', repo('git@10.0.0.1:acme/shop.git'), 422, 'REPO_URL_FORBIDDEN'],
];

const BRANCHES_AND_PATHS: Row[] = [
  ['branch: ..', create({ branch: 'main..evil' }), 400, 'VALIDATION_FAILED'],
  ['branch: ~', create({ branch: 'main~1' }), 400, 'VALIDATION_FAILED'],
  ['branch: a space', create({ branch: 'my branch' }), 400, 'VALIDATION_FAILED'],
  ['branch: a leading dash', create({ branch: '--upload-pack=evil' }), 400, 'VALIDATION_FAILED'],
  ['branches: a pattern with a leading dash', create({ branches: ['main', '-x'] }), 400, 'VALIDATION_FAILED'],
  ['contextDir: ../x', create({ contextDir: '../x' }), 400, 'VALIDATION_FAILED'],
  ['contextDir: /etc', create({ contextDir: '/etc' }), 400, 'VALIDATION_FAILED'],
  ['dockerfile: /etc/passwd', create({ dockerfile: '/etc/passwd' }), 400, 'VALIDATION_FAILED'],
  ['build-config contextDir: app/../../etc', patch('/apps/shop/build-config', { contextDir: 'app/../../etc' }), 400, 'VALIDATION_FAILED'],
  ['build-config dockerfile: ../Dockerfile', patch('/apps/shop/build-config', { dockerfile: '../Dockerfile' }), 400, 'VALIDATION_FAILED'],
];

const manyArgs = (n: number, prefix = 'ARG_') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, 'x']));
const BUILD_ARGS_ENV_SECRETS: Row[] = [
  ['build arg: a key starting with a digit', create({ buildArgs: { '1BAD': 'x' } }), 400, 'VALIDATION_FAILED'],
  ['build arg: a key with a dash, to a change', patch('/apps/shop/build-config', { buildArgs: { 'BAD-KEY': 'x' } }), 400, 'VALIDATION_FAILED'],
  ['build arg: a key with a newline', create({ buildArgs: { 'A\nRUN evil': 'x' } }), 400, 'VALIDATION_FAILED'],
  ['build args: 101 of them', create({ buildArgs: manyArgs(101) }), 400, 'VALIDATION_FAILED'],
  ['build args: a key of 129 characters', create({ buildArgs: { [`K${'E'.repeat(128)}`]: 'x' } }), 400, 'VALIDATION_FAILED'],
  ['build args: a change that would add up to 101', patch('/apps/shop/build-config', { buildArgs: manyArgs(100, 'MORE_') }), 400, 'VALIDATION_FAILED'],
  ['env: a key with a dash', patch('/apps/shop/env', { set: { 'BAD-KEY': 'x' } }), 400, 'VALIDATION_FAILED'],
  ['env: a key starting with a digit, on create', create({ deploy: { env: { '1X': 'y' } } }), 400, 'VALIDATION_FAILED'],
  ['env: unset of a key with a space', patch('/apps/shop/env', { unset: ['GREETING', 'bad key'] }), 400, 'VALIDATION_FAILED'],
  ['secret: a name with a dot', patch('/apps/shop/secrets', { set: { 'bad.name': 'x' } }), 400, 'VALIDATION_FAILED'],
  ['build secret: a name starting with a digit', put('/apps/shop/build-secrets', { secrets: { '1TOKEN': 'x' } }), 400, 'VALIDATION_FAILED'],
  ['build secret: delete by a bad name', del('/apps/shop/build-secrets/bad-name'), 400, 'VALIDATION_FAILED'],
  ['build secret: delete one that does not exist', del('/apps/shop/build-secrets/NOPE'), 404, 'BUILD_SECRET_NOT_FOUND'],
];

const NAMESPACES: Row[] = [
  ['namespace: kube-system, on create', create({ deploy: { namespace: 'kube-system' } }), 422, 'NAMESPACE_FORBIDDEN'],
  ['namespace: kube-public', deploy({ namespace: 'kube-public' }), 422, 'NAMESPACE_FORBIDDEN'],
  ['namespace: default', deploy({ namespace: 'default' }), 422, 'NAMESPACE_FORBIDDEN'],
  ["namespace: Slipway's own", deploy({ namespace: OWN_NAMESPACE }), 422, 'NAMESPACE_FORBIDDEN'],
  ['namespace: 64 characters', create({ deploy: { namespace: `n${'s'.repeat(63)}` } }), 400, 'VALIDATION_FAILED'],
  ['namespace: uppercase', deploy({ namespace: 'Apps' }), 400, 'VALIDATION_FAILED'],
  ['namespace: kube-system in a release', post('/apps/shop/releases', { image: digestImage('b'), deploy: { namespace: 'kube-system' } }), 422, 'NAMESPACE_FORBIDDEN'],
  ['namespace: provisioning into kube-system', post('/templates/provision', { template: 'redis-persistent', namespace: 'kube-system', waitSeconds: 0 }), 422, 'NAMESPACE_FORBIDDEN'],
];

const DEPLOY_CONFIG: Row[] = [
  ['replicas -1', deploy({ replicas: -1 }), 400, 'VALIDATION_FAILED'],
  ['replicas 10001', deploy({ replicas: 10001 }), 400, 'VALIDATION_FAILED'],
  ['readinessDeadlineSeconds 0', deploy({ readinessDeadlineSeconds: 0 }), 400, 'VALIDATION_FAILED'],
  ['cpu "lots"', deploy({ resources: { cpu: 'lots' } }), 400, 'VALIDATION_FAILED'],
  ['memory "1GB"', deploy({ resources: { memory: '1GB' } }), 400, 'VALIDATION_FAILED'],
  ['an unknown deploy field', deploy({ replica: 2 }), 400, 'VALIDATION_FAILED'],
  ['a StatefulSet with a Deployment strategy', deploy({ kind: 'StatefulSet' }), 400, 'VALIDATION_FAILED'],
  ['probe: an http path without a slash', put('/apps/shop/probes', { probes: { readiness: { type: 'http', path: 'healthz' } } }), 400, 'VALIDATION_FAILED'],
  ['probe: exec without a command', put('/apps/shop/probes', { probes: { liveness: { type: 'exec' } } }), 400, 'VALIDATION_FAILED'],
  ['shutdown: a pause as long as the grace period', put('/apps/shop/shutdown', { shutdown: { gracePeriodSeconds: 10, preStopSeconds: 10 } }), 400, 'VALIDATION_FAILED'],
  ['shutdown: a negative pause', put('/apps/shop/shutdown', { shutdown: { preStopSeconds: -1 } }), 400, 'VALIDATION_FAILED'],
  ['shutdown: an unknown field', put('/apps/shop/shutdown', { shutdown: { drainSeconds: 5 } }), 400, 'VALIDATION_FAILED'],
  ['hook: an empty command', put('/apps/shop/hooks', { hooks: { pre: { command: [] } } }), 400, 'VALIDATION_FAILED'],
  ['strategy: Recreate with maxSurge', put('/apps/shop/strategy', { strategy: { type: 'Recreate', maxSurge: 1 } }), 400, 'VALIDATION_FAILED'],
  ['strategy: Rolling with maxSurge and maxUnavailable 0', put('/apps/shop/strategy', { strategy: { type: 'Rolling', maxSurge: 0, maxUnavailable: 0 } }), 400, 'VALIDATION_FAILED'],
];

const VOLUMES_SCALE_RELEASES_BUILDS: Row[] = [
  ['volume: size "10GB"', post('/apps/shop/volumes', { name: 'cache', size: '10GB', mountPath: '/cache' }), 400, 'VALIDATION_FAILED'],
  ['volume: a mount path already mounted', post('/apps/shop/volumes', { name: 'other', size: '1Gi', mountPath: '/var/lib/data' }), 400, 'VALIDATION_FAILED'],
  ['volume: a relative mount path', post('/apps/shop/volumes', { name: 'cache', size: '1Gi', mountPath: 'cache' }), 400, 'VALIDATION_FAILED'],
  ['volume: access mode ReadWriteAll', post('/apps/shop/volumes', { name: 'cache', size: '1Gi', mountPath: '/cache', accessMode: 'ReadWriteAll' }), 400, 'VALIDATION_FAILED'],
  ['volume: a name that exists', post('/apps/shop/volumes', { name: 'data', size: '2Gi', mountPath: '/other' }), 409, 'VOLUME_EXISTS'],
  ['volume: removing one that does not exist', del('/apps/shop/volumes/nope?claim=delete'), 404, 'VOLUME_NOT_FOUND'],
  ['scale: -1', post('/apps/shop/scale', { replicas: -1 }), 400, 'VALIDATION_FAILED'],
  ['scale: 1001', post('/apps/shop/scale', { replicas: 1001 }), 400, 'VALIDATION_FAILED'],
  ['scale: 2.5', post('/apps/shop/scale', { replicas: 2.5 }), 400, 'VALIDATION_FAILED'],
  ['rollback: to a release that does not exist', post('/apps/shop/rollback', { to: 99 }), 404, 'RELEASE_NOT_FOUND'],
  ['rollback: to the current release', post('/apps/shop/rollback', { to: 2 }), 409, 'RELEASE_NOT_DEPLOYABLE'],
  ['rollback: to release 0', post('/apps/shop/rollback', { to: 0 }), 400, 'VALIDATION_FAILED'],
  ['release: an image by tag, not digest', post('/apps/shop/releases', { image: '127.0.0.1:5000/shop:latest' }), 409, 'RELEASE_NOT_DEPLOYABLE'],
  ['release: an image by tag, with a deploy change', post('/apps/shop/releases', { image: 'nginx:latest', deploy: { replicas: 5 } }), 409, 'RELEASE_NOT_DEPLOYABLE'],
  ['release: no image and no current release, with a deploy change', post('/apps/blog/releases', { deploy: { replicas: 5 } }), 409, 'RELEASE_NOT_DEPLOYABLE'],
  ['release: a build that has not succeeded', post('/apps/shop/releases', { buildId: 'shop-1' }), 409, 'RELEASE_NOT_DEPLOYABLE'],
  ['release: a build that does not exist', post('/apps/shop/releases', { buildId: 'shop-999' }), 404, 'BUILD_NOT_FOUND'],
  ['build: a sha that is not hex', post('/apps/shop/builds', { sha: 'not-a-commit-id-at-all-0123456789abcdefg' }), 400, 'VALIDATION_FAILED'],
  ['build: a sha of 39 characters', post('/apps/shop/builds', { sha: 'c'.repeat(39) }), 400, 'VALIDATION_FAILED'],
  ['build: a sha in uppercase', post('/apps/shop/builds', { sha: 'C'.repeat(40) }), 400, 'VALIDATION_FAILED'],
  ['build: a sha that is an option', post('/apps/shop/builds', { sha: '--upload-pack=evil' }), 400, 'VALIDATION_FAILED'],
  ['cancel: a build that does not exist', post('/builds/shop-999/cancel'), 404, 'BUILD_NOT_FOUND'],
  ['cancel: a build id of 100 characters', post(`/builds/${'x'.repeat(100)}/cancel`), 400, 'VALIDATION_FAILED'],
];

const secretObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'evil' }, stringData: { x: 'y' } };
// issue 19, the ReadWriteOnce trap: `vault` has a ReadWriteOnce volume and 1 replica; `shop` has
// 2 replicas and a chosen Rolling strategy. Whichever change comes last is refused, before any
// claim is made or anything saved.
const sharedClaimTemplate = template('shared-claim', [
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'shared' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
  (() => {
    const d = deployment('twice', { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'shared' } }] });
    return { ...d, spec: { ...d.spec, replicas: 2 } };
  })(),
]);
const VOLUME_TRAP: Row[] = [
  ['trap: scale an app with a ReadWriteOnce volume to 2', post('/apps/vault/scale', { replicas: 2 }), 422, 'VOLUME_SINGLE_NODE'],
  ['trap: replicas 3 by a deploy change', patch('/apps/vault', { deploy: { replicas: 3 } }), 422, 'VOLUME_SINGLE_NODE'],
  ['trap: a release with a deploy change to 2 replicas', post('/apps/vault/releases', { image: digestImage('c'), deploy: { replicas: 2 } }), 422, 'VOLUME_SINGLE_NODE'],
  ['trap: the Rolling strategy on an app with a ReadWriteOnce volume', put('/apps/vault/strategy', { strategy: { type: 'Rolling' } }), 422, 'VOLUME_SINGLE_NODE'],
  ['trap: the BlueGreen strategy on an app with a ReadWriteOnce volume', put('/apps/vault/strategy', { strategy: { type: 'BlueGreen' } }), 422, 'VOLUME_SINGLE_NODE'],
  ['trap: a ReadWriteOnce volume on an app with 2 replicas and Rolling', post('/apps/shop/volumes', { name: 'cache', size: '1Gi', mountPath: '/cache' }), 422, 'VOLUME_SINGLE_NODE'],
  ['trap: a ReadWriteOncePod volume on an app with 2 replicas', post('/apps/shop/volumes', { name: 'cache', size: '1Gi', mountPath: '/cache', accessMode: 'ReadWriteOncePod' }), 422, 'VOLUME_SINGLE_NODE'],
  ['trap: a template Deployment with 2 replicas on its ReadWriteOnce claim', provision(sharedClaimTemplate), 422, 'VOLUME_SINGLE_NODE'],
];

const TEMPLATES: Row[] = [
  ['template: unknown', post('/templates/provision', { template: 'nope', namespace: NS, waitSeconds: 0 }), 404, 'TEMPLATE_NOT_FOUND'],
  ['template: a name that is a path', post('/templates/provision', { template: '../../etc/passwd', namespace: NS, waitSeconds: 0 }), 404, 'TEMPLATE_NOT_FOUND'],
  ['template: neither a name nor content', post('/templates/provision', { namespace: NS, waitSeconds: 0 }), 400, 'VALIDATION_FAILED'],
  ['template: content that is not YAML', post('/templates/provision', { content: 'kind: [Template', namespace: NS, waitSeconds: 0 }), 400, 'TEMPLATE_INVALID'],
  [
    'template: a required parameter missing',
    provision(template('needs-db', [secretObject], [{ name: 'DATABASE_NAME', required: true }])),
    400,
    'TEMPLATE_PARAMETER_MISSING',
  ],
  ['template: an unknown parameter', provision(template('plain', [secretObject]), { parameters: { NOPE: '1' } }), 400, 'TEMPLATE_PARAMETER_UNKNOWN'],
  [
    'template: a RoleBinding to cluster-admin',
    provision(
      template('rbac', [
        secretObject,
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: FORBIDDEN_BINDING },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
          subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: NS }],
        },
      ]),
    ),
    422,
    'TEMPLATE_FORBIDDEN',
  ],
  ['template: a Namespace', provision(template('ns', [secretObject, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: FORBIDDEN_NAMESPACE } }])), 422, 'TEMPLATE_FORBIDDEN'],
  [
    'template: a ClusterRole',
    provision(template('role', [secretObject, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: FORBIDDEN_CLUSTER_ROLE }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] }])),
    422,
    'TEMPLATE_FORBIDDEN',
  ],
  [
    'template: a ClusterRoleBinding inside a List',
    provision(
      template('listed', [
        {
          apiVersion: 'v1',
          kind: 'List',
          items: [
            secretObject,
            {
              apiVersion: 'rbac.authorization.k8s.io/v1',
              kind: 'ClusterRoleBinding',
              metadata: { name: FORBIDDEN_BINDING },
              roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
              subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: NS }],
            },
          ],
        },
      ]),
    ),
    422,
    'TEMPLATE_FORBIDDEN',
  ],
  ['template: a privileged pod', provision(template('privileged', [secretObject, deployment('root', {}, { securityContext: { privileged: true } })])), 422, 'TEMPLATE_FORBIDDEN'],
  [
    'template: a hostPath volume',
    provision(template('hostpath', [secretObject, deployment('node-files', { volumes: [{ name: 'root', hostPath: { path: '/' } }] })])),
    422,
    'TEMPLATE_FORBIDDEN',
  ],
  ['template: hostNetwork', provision(template('hostnet', [secretObject, deployment('node-net', { hostNetwork: true })])), 422, 'TEMPLATE_FORBIDDEN'],
  [
    'template: a Service with externalIPs',
    provision(template('extip', [secretObject, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'capture' }, spec: { ports: [{ port: 443 }], externalIPs: ['8.8.8.8'] } }])),
    422,
    'TEMPLATE_FORBIDDEN',
  ],
];

const QUERIES: Row[] = [
  ['query: volumes=everything on delete', del('/apps/shop?volumes=everything'), 400, 'VALIDATION_FAILED'],
  ['query: an unknown parameter on delete', del('/apps/shop?purge=true'), 400, 'VALIDATION_FAILED'],
  ['query: claim=wipe on a volume removal', del('/apps/shop/volumes/data?claim=wipe'), 400, 'VALIDATION_FAILED'],
  ['query: an unknown parameter on a volume removal', del('/apps/shop/volumes/data?claim=delete&force=1'), 400, 'VALIDATION_FAILED'],
];

const TRANSPORT: Row[] = [
  [
    'a body that stops after 1 byte of a declared 1,000 (slow body)',
    { socket: `POST /apps HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TEST_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{` },
    408,
    'REQUEST_TIMEOUT',
  ],
  ['bytes that are not HTTP', { socket: 'DELETE /apps/shop NOT-HTTP\r\n\r\n' }, 400, 'REQUEST_INVALID'],
  [
    'headers over the size limit',
    { socket: `DELETE /apps/shop HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TEST_TOKEN}\r\nX-Pad: ${'p'.repeat(20_000)}\r\n\r\n` },
    431,
    'REQUEST_INVALID',
  ],
  [
    'a valid create past the rate limit',
    post('/apps', { name: `limited-${id}`, repo: `${GIT}/limited.git` }, { via: 'limited', authorization: `Bearer ${LIMITED_TOKEN}`, spend: RATE_LIMIT }),
    429,
    'RATE_LIMITED',
  ],
];

const ROWS: Row[] = [
  ...BODY,
  ...TOKENS,
  ...NAMES,
  ...REPO_URLS,
  ...BRANCHES_AND_PATHS,
  ...BUILD_ARGS_ENV_SECRETS,
  ...NAMESPACES,
  ...DEPLOY_CONFIG,
  ...VOLUMES_SCALE_RELEASES_BUILDS,
  ...VOLUME_TRAP,
  ...TEMPLATES,
  ...QUERIES,
  ...TRANSPORT,
];

// ---- sending

interface Answer {
  status: number;
  text: string;
}

/**
 * Connects to the listening `slow` API, writes `request` and waits for the server to answer and
 * close the socket; `limitMs` only bounds a hang.
 */
function rawExchange(request: string, limitMs = 20_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: slowPort });
    const chunks: Buffer[] = [];
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${limitMs} ms`));
    }, limitMs);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined); // the server may reset after answering
    socket.on('close', () => {
      clearTimeout(guard);
      const [head = '', body = ''] = Buffer.concat(chunks).toString('utf8').split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), text: body });
    });
  });
}

async function send(request: ApiRequest | SocketRequest): Promise<Answer> {
  if ('socket' in request) return rawExchange(request.socket);
  const target = { main, strict, limited }[request.via ?? 'main'];
  const authorization = request.authorization === undefined ? auth.authorization : request.authorization;
  const headers: Record<string, string> = authorization === null ? {} : { authorization };
  for (let i = 0; i < (request.spend ?? 0); i++) {
    const spent = await target.api.inject({ method: 'GET', url: '/apps', headers });
    if (spent.statusCode !== 200) throw new Error(`spending the rate limit: GET /apps answered ${spent.statusCode}`);
  }
  const payload = request.raw ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
  if (payload !== undefined) headers['content-type'] = request.contentType ?? 'application/json';
  const res = await target.api.inject({ method: request.method, url: request.url, headers, ...(payload !== undefined ? { payload } : {}) });
  return { status: res.statusCode, text: res.body };
}

const stored = async () => ({
  redis: await redisSnapshot({ redis: main.services.redis, prefix: main.config.prefix }),
  cluster: await clusterSnapshot(kc, {
    namespaces: ['kube-system', 'kube-public', 'default', FORBIDDEN_NAMESPACE],
    objectsIn: [NS],
    clusterRoles: [FORBIDDEN_CLUSTER_ROLE],
    clusterRoleBindings: [FORBIDDEN_BINDING],
  }),
});

// ---- the seeded state

async function seed(): Promise<void> {
  const ok = async (request: ApiRequest, status: number) => {
    const answer = await send(request);
    if (answer.status !== status) throw new Error(`seeding ${request.method} ${request.url}: ${answer.status} ${answer.text}`);
    return JSON.parse(answer.text) as Record<string, unknown>;
  };
  const { releases } = main.services;
  await ok(
    post('/apps', {
      name: 'shop',
      repo: `${GIT}/shop.git`,
      buildArgs: { NODE_ENV: 'production' },
      deploy: {
        namespace: NS,
        env: { GREETING: 'hi' },
        probes: { readiness: { type: 'http', path: '/healthz' } },
        hooks: { pre: { command: ['sh', '-c', 'migrate'] } },
        strategy: { type: 'Rolling', maxSurge: 1 },
      },
    }),
    201,
  );
  await ok(post('/apps', { name: 'blog', repo: `${GIT}/blog.git`, deploy: { env: { THEME: 'dark' } } }), 201);
  await ok(patch('/apps/shop/secrets', { set: { API_KEY: 'sk-live-0123456789abcdef' } }), 200);
  await ok(put('/apps/shop/build-secrets', { secrets: { NPM_TOKEN: 'npm_0123456789abcdef' } }), 200);
  // A claim in the cluster, in the app's namespace. ReadWriteMany: shop has a Rolling strategy and
  // is scaled to 2, which a ReadWriteOnce volume refuses (the VOLUME_TRAP rows).
  await ok(post('/apps/shop/volumes', { size: '1Gi', mountPath: '/var/lib/data', accessMode: 'ReadWriteMany' }), 201);
  await ok(post('/apps', { name: 'vault', repo: `${GIT}/vault.git`, deploy: { namespace: NS } }), 201);
  await ok(post('/apps/vault/volumes', { size: '1Gi', mountPath: '/srv' }), 201);
  // A queued build (no build worker runs here: it stays queued, with its BullMQ job).
  await ok(post('/apps/shop/builds', { sha: 'a'.repeat(40) }), 202);
  // Release 1, then a config change makes release 2. No deploy worker runs here: each is marked
  // current as the deploy worker marks a release whose rollout succeeded.
  await ok(post('/apps/shop/releases', { image: digestImage('a') }), 202);
  await releases.setStatus('shop', 1, 'current');
  await releases.setCurrent('shop', 1);
  await ok(patch('/apps/shop/env', { set: { GREETING: 'hello' } }), 200);
  await releases.setStatus('shop', 1, 'superseded');
  await releases.setStatus('shop', 2, 'current');
  await releases.setCurrent('shop', 2);
  await ok(post('/apps/shop/scale', { replicas: 2 }), 200);
  // A Secret (with a generated value) and a ConfigMap provisioned from a template.
  await ok(
    provision(
      template(
        'seed-config',
        [
          { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'seed-db' }, stringData: { password: '${PASSWORD}' } },
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'seed-settings' }, data: { mode: 'production' } },
        ],
        [{ name: 'PASSWORD', generate: 'expression', from: '[a-z0-9]{16}' }],
      ),
    ),
    200,
  );
}

beforeAll(async () => {
  main = await startTestApi({ SLIPWAY_NAMESPACE: OWN_NAMESPACE });
  const shared = { SLIPWAY_PREFIX: main.config.prefix, SLIPWAY_NAMESPACE: OWN_NAMESPACE };
  strict = await startTestApi({ ...shared, SLIPWAY_ALLOW_PRIVATE_REPO_HOSTS: 'false', SLIPWAY_ALLOWED_REPO_SCHEMES: 'https,ssh' });
  limited = await startTestApi({ ...shared, SLIPWAY_API_TOKEN: LIMITED_TOKEN, SLIPWAY_RATE_LIMIT_API: String(RATE_LIMIT) });
  slow = await startTestApi({ ...shared, SLIPWAY_REQUEST_TIMEOUT_MS: '1000', SLIPWAY_HEADERS_TIMEOUT_MS: '500' });
  await slow.api.listen({ host: '127.0.0.1', port: 0 });
  slowPort = (slow.api.server.address() as net.AddressInfo).port;
  await seed();
}, 180_000);

afterAll(async () => {
  // The others share main's prefix: main cleans it up, last.
  for (const other of [strict, limited, slow]) {
    await other?.api.close();
    await other?.services.close();
  }
  await main?.close();
  await deleteNamespace(kc, NS);
});

test('the seeded state is there to be damaged', async () => {
  const { redis, cluster } = await stored();
  const keys = Object.keys(redis).map((k) => k.slice(main.config.prefix.length + 1));
  expect(keys).toEqual(
    expect.arrayContaining([
      'app:shop',
      'app:blog',
      'app:vault',
      'app:shop:webhook-secret',
      'app:shop:build-secrets',
      'app:shop:releases',
      'app:shop:release:1',
      'app:shop:release:2',
      'app:shop:current-release',
      'app:shop:scale-events',
      'build:shop-1',
      'provisioned-namespaces',
    ]),
  );
  expect(keys.some((k) => /^app:shop:secret:/.test(k))).toBe(true);
  expect(keys.some((k) => /^bull:builds:/.test(k))).toBe(true);
  expect(Object.keys(cluster)).toEqual(
    expect.arrayContaining([`${NS}/PersistentVolumeClaim/shop-data`, `${NS}/PersistentVolumeClaim/vault-data`, `${NS}/Secret/seed-db`, `${NS}/ConfigMap/seed-settings`]),
  );
  expect(cluster[`Namespace/${FORBIDDEN_NAMESPACE}`]).toBe('absent');
  expect(ROWS.length).toBeGreaterThanOrEqual(80);
});

test.each(ROWS.map(([name, request, status, code]) => [`${name} → ${status} ${code}`, request, status, code] as const))(
  '%s, nothing stored changes',
  async (_name, request, status, code) => {
    const before = await stored();
    const answer = await send(request);
    let body: { error?: { code?: string; details?: unknown } } = {};
    try {
      body = JSON.parse(answer.text) as typeof body;
    } catch {
      // Not JSON: the comparison below shows what came instead.
    }
    expect({ status: answer.status, body }).toEqual({ status, body: errorBody(code, body) });
    expect(answer.text).not.toContain('FST_');
    const after = await stored();
    expect(changes(before.redis, after.redis)).toEqual([]);
    expect(changes(before.cluster, after.cluster)).toEqual([]);
  },
);
