import { randomUUID } from 'node:crypto';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { cliEnv, slipway } from '../helpers/cli.js';
import { deleteNamespace, testKubeConfig } from '../helpers/cluster.js';
import { freePort } from '../helpers/containers.js';
import { auth } from '../helpers/config.js';
import { changes, clusterSnapshot, redisSnapshot } from './snapshot.js';

// Bad input to the real `slipway` CLI (a separate process, test/helpers/cli.ts) talking to a real,
// listening API: one row per case, each with its exit code and the message it must print, and
// nothing stored changed in Redis or in the app's namespace. The names with `?`, `#`, `/`, `..`
// and spaces are the path-encoding cases: unencoded, `delete 'shop?volumes=delete'` would delete
// app shop and its volumes, and `volume remove shop 'data?claim=delete'` its claim.

const kc = testKubeConfig();
const id = randomUUID().slice(0, 6);
const NS = `bad-cli-${id}`;
const GIT = 'git://127.0.0.1:9419';
let t: TestApi;
let env: Record<string, string>;
// Free when the file loads, and nothing here listens on it.
const CLOSED_PORT = await freePort();

type Row = [name: string, args: string[], env: Record<string, string>, exitCode: number, message: RegExp];

const PATHS: Row[] = [
  ['delete: a name with ?', ['delete', 'shop?volumes=delete'], {}, 1, /must match pattern.*\(VALIDATION_FAILED\)/],
  ['delete: a name with #', ['delete', 'shop#keep'], {}, 1, /\(VALIDATION_FAILED\)/],
  ['delete: a name with /', ['delete', 'shop/volumes/data'], {}, 1, /\(VALIDATION_FAILED\)/],
  ['delete: ..', ['delete', '..'], {}, 1, /"\.\." is not a name Slipway knows/],
  ['delete: .', ['delete', '.'], {}, 1, /"\." is not a name Slipway knows/],
  ['delete: ../apps/shop', ['delete', '../apps/shop'], {}, 1, /\(VALIDATION_FAILED\)/],
  ['delete: a name with a trailing space', ['delete', 'shop '], {}, 1, /\(VALIDATION_FAILED\)/],
  ['delete --delete-volumes: a name with a space', ['delete', 'my shop', '--delete-volumes'], {}, 1, /\(VALIDATION_FAILED\)/],
  ['status: ..', ['status', '..'], {}, 1, /"\.\." is not a name Slipway knows/],
  ['volume remove: a volume name with ?', ['volume', 'remove', 'shop', 'data?claim=delete', '--no-wait'], {}, 1, /has no volume "data\?claim=delete" \(VOLUME_NOT_FOUND\)/],
  ['volume remove: a volume name with /', ['volume', 'remove', 'shop', '../../blog', '--delete-claim', '--no-wait'], {}, 1, /\(VOLUME_NOT_FOUND\)/],
  ['env set: an app name with ?', ['env', 'set', 'shop?x=1', 'GREETING=evil', '--no-wait'], {}, 1, /app "shop\?x=1" does not exist \(APP_NOT_FOUND\)/],
  ['scale: an app name with #', ['scale', 'shop#', '5'], {}, 1, /\(APP_NOT_FOUND\)/],
  ['rollback: an app name with /..', ['rollback', 'shop/../blog', '--no-wait'], {}, 1, /\(APP_NOT_FOUND\)/],
  ['webhook-secret: an app name with /', ['webhook-secret', 'blog/../shop'], {}, 1, /\(VALIDATION_FAILED\)/],
  ['cancel: a build id with ?', ['cancel', 'shop-1?force=1'], {}, 1, /\(BUILD_NOT_FOUND\)/],
  ['logs: a build id that is a path', ['logs', '../apps'], {}, 1, /build "\.\.\/apps" does not exist/],
];

const ARGUMENTS: Row[] = [
  ['delete: no app', ['delete'], {}, 1, /missing required argument 'app'/],
  ['scale: no replica count', ['scale', 'shop'], {}, 1, /missing required argument 'replicas'/],
  ['scale: a replica count that is not a number', ['scale', 'shop', 'lots'], {}, 1, /scale takes a replica count \(0 or more\), got "lots"/],
  ['volume add: no --size', ['volume', 'add', 'shop', '--mount', '/cache'], {}, 1, /required option '--size <size>' not specified/],
  ['volume add: a size the API refuses', ['volume', 'add', 'shop', '--name', 'cache', '--size', '10GB', '--mount', '/cache', '--no-wait'], {}, 1, /size must match pattern.*\(VALIDATION_FAILED\)/],
  ['new-app: no repo', ['new-app'], {}, 1, /new-app needs a repository URL, or --template NAME\|FILE/],
  ['new-app: a file:// repo', ['new-app', 'file:///etc', '--name', 'fresh', '--no-wait'], {}, 1, /\(REPO_URL_INVALID\)/],
  ['new-app: an --env pair without =', ['new-app', `${GIT}/fresh.git`, '--name', 'fresh', '--env', 'GREETING', '--no-wait'], {}, 1, /--env takes KEY=VALUE, got "GREETING"/],
  ['new-app: an --env key starting with a digit', ['new-app', `${GIT}/fresh.git`, '--name', 'fresh', '--env', '1X=y', '--no-wait'], {}, 1, /--env takes KEY=VALUE, got "1X=y"/],
  ['new-app: an --env key the API refuses', ['new-app', `${GIT}/fresh.git`, '--name', 'fresh', '--env', 'A.B=x', '--no-wait'], {}, 1, /\(VALIDATION_FAILED\)/],
  ['env set: a pair without =', ['env', 'set', 'shop', 'GREETING', '--no-wait'], {}, 1, /env set takes KEY=VALUE, got "GREETING"/],
  ['secret set: nothing to set', ['secret', 'set', 'shop'], {}, 1, /missing required argument 'pairs'/],
  ['process: a -p without =', ['process', 'redis-persistent', '-p', 'oops'], {}, 1, /-p takes KEY=VALUE, got "oops"/],
  ['new-app --template: a -p with no key', ['new-app', '--template', 'redis-persistent', '--namespace', NS, '-p', '=x', '--no-wait'], {}, 1, /-p takes KEY=VALUE, got "=x"/],
  ['new-app --template: a template file that does not exist', ['new-app', '--template', `./missing-template-${id}.yaml`, '--namespace', NS, '--no-wait'], {}, 1, new RegExp(`no template file "\\./missing-template-${id}\\.yaml"`)],
  ['process: a template file that does not exist', ['process', `/tmp/missing-template-${id}.json`], {}, 1, new RegExp(`no template file "/tmp/missing-template-${id}\\.json"`)],
  ['process: a --param-file that does not exist', ['process', 'redis-persistent', '--param-file', `/tmp/missing-params-${id}`], {}, 1, new RegExp(`ENOENT.*missing-params-${id}`)],
  ['new-app --template: an unknown parameter', ['new-app', '--template', 'redis-persistent', '--namespace', NS, '-p', 'NOPE=1', '--no-wait'], {}, 1, /NOPE.*\(TEMPLATE_PARAMETER_UNKNOWN\)/],
  ['new-app --template: into kube-system', ['new-app', '--template', 'redis-persistent', '--namespace', 'kube-system', '--no-wait'], {}, 1, /\(NAMESPACE_FORBIDDEN\)/],
  ['probe set: a probe spec that is not one', ['probe', 'set', 'shop', '--readiness', 'ftp:/x', '--no-wait'], {}, 1, /--readiness takes http:\/PATH/],
  ['hook set: a phase that is not one', ['hook', 'set', 'shop', 'during', '--command', 'true'], {}, 1, /hook phase is pre or post, got "during"/],
  ['strategy: a type that is not one', ['strategy', 'shop', 'sideways'], {}, 1, /strategy is rolling, recreate, canary, blue-green or auto, got "sideways"/],
];

const CONNECTION: Row[] = [
  // A port nothing listens on (fetch refuses some ports outright, such as 9, with no reason given).
  ['an unreachable API', ['delete', 'shop'], { SLIPWAY_URL: `http://127.0.0.1:${CLOSED_PORT}` }, 1, new RegExp(`cannot reach Slipway at http://127\\.0\\.0\\.1:${CLOSED_PORT} \\(ECONNREFUSED\\)`)],
  ['a wrong token', ['delete', 'shop', '--delete-volumes'], { SLIPWAY_TOKEN: 'wrong-token-0123456789abcdef' }, 1, /the bearer token is not valid \(AUTH_INVALID\)/],
  ['no token', ['delete', 'shop'], { SLIPWAY_TOKEN: '' }, 1, /no API token: set SLIPWAY_TOKEN/],
];

// issue 19, the ReadWriteOnce trap: shop's volume `data` is ReadWriteOnce (seeded below).
const VOLUME_TRAP: Row[] = [
  ['scale: 2 replicas of an app with a ReadWriteOnce volume', ['scale', 'shop', '2'], {}, 1, /2 replicas all mount the claim of volume "data" is ReadWriteOnce.*Keep 1 replica, or use a ReadWriteMany volume \(VOLUME_SINGLE_NODE\)/],
  ['strategy: rolling on an app with a ReadWriteOnce volume', ['strategy', 'shop', 'rolling'], {}, 1, /Rolling strategy starts the new pod before the old one stops.*\(VOLUME_SINGLE_NODE\)/],
];

const ROWS: Row[] = [...PATHS, ...ARGUMENTS, ...CONNECTION, ...VOLUME_TRAP];

beforeAll(async () => {
  t = await startTestApi();
  env = await cliEnv(t.api);
  const api = async (method: 'POST' | 'PATCH' | 'PUT', url: string, payload: unknown, status: number) => {
    const res = await t.api.inject({ method, url, headers: auth, payload: payload as object });
    if (res.statusCode !== status) throw new Error(`seeding ${method} ${url}: ${res.statusCode} ${res.body}`);
  };
  await t.createApp({ name: 'shop', repo: `${GIT}/shop.git`, deploy: { namespace: NS, env: { GREETING: 'hi' } } });
  await t.createApp({ name: 'blog', repo: `${GIT}/blog.git` });
  await api('PATCH', '/apps/shop/secrets', { set: { API_KEY: 'sk-live-0123456789abcdef' } }, 200);
  await api('PUT', '/apps/shop/build-secrets', { secrets: { NPM_TOKEN: 'npm_0123456789abcdef' } }, 200);
  await api('POST', '/apps/shop/volumes', { name: 'data', size: '1Gi', mountPath: '/var/lib/data' }, 201);
  await api('POST', '/apps/shop/builds', { sha: 'a'.repeat(40) }, 202);
  await api('POST', '/apps/shop/releases', { image: `127.0.0.1:5000/shop@sha256:${'a'.repeat(64)}` }, 202);
}, 120_000);

afterAll(async () => {
  await t?.close();
  await deleteNamespace(kc, NS);
});

const stored = async () => ({
  redis: await redisSnapshot({ redis: t.services.redis, prefix: t.config.prefix }),
  cluster: await clusterSnapshot(kc, { namespaces: ['kube-system'], objectsIn: [NS] }),
});

test('the seeded state is there to be damaged', async () => {
  const { redis, cluster } = await stored();
  const keys = Object.keys(redis).map((k) => k.slice(t.config.prefix.length + 1));
  expect(keys).toEqual(expect.arrayContaining(['app:shop', 'app:blog', 'app:shop:build-secrets', 'app:shop:release:1', 'build:shop-1']));
  expect(cluster[`${NS}/PersistentVolumeClaim/shop-data`]).toMatchObject({ deleting: false });
});

test.each(ROWS.map(([name, args, extra, code, message]) => [`${name} → exit ${code}`, args, extra, code, message] as const))(
  '%s, a clear message, nothing stored changes',
  async (_name, args, extra, code, message) => {
    const before = await stored();
    const run = await slipway(args, { ...env, ...extra }, 60_000);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code, stderr: expect.stringMatching(message) });
    // One message a person can act on: never a stack trace.
    expect(run.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    const after = await stored();
    expect(changes(before.redis, after.redis)).toEqual([]);
    expect(changes(before.cluster, after.cluster)).toEqual([]);
  },
);
