import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { AppsV1Api, CoreV1Api, Exec, type V1Pod, type V1Status } from '@kubernetes/client-node';
import type { Worker } from 'bullmq';
import { PULL_SECRET_NAME } from '../../src/releases/render/pull-secret.js';
import type { ProvisionReport } from '../../src/templates/provision.js';
import type { Release } from '../../src/store/types.js';
import type { TestApi } from '../helpers/api.js';
import { testKubeConfig } from '../helpers/cluster.js';
import { auth } from '../helpers/config.js';
import { pipeline } from '../helpers/pipeline.js';
import { readyReleasePods, serviceProxyGet, startRealNodeApi, stopRealNodeSuite } from '../helpers/real-node.js';
import { settledRelease } from '../helpers/releases.js';

// Issue 15: the built-in database templates (templates/*-persistent.yaml) provisioned onto the
// REAL node of the test cluster, not kwok: their image parameters point at the stand-ins
// test/env/images builds (Debian's PostgreSQL 15, MariaDB, Redis; FerretDB + mongosh for
// MongoDB) and pushes to the test registry. Each database is pulled with the registry pull
// secret provisioning keeps in the namespace, initialised by its entrypoint from the template's
// env, reported ready by Slipway once the kubelet's own readiness probe (pg_isready, mysqladmin,
// mongosh, redis-cli) passes, and then serves: a row/document/key is written and read back with
// the credentials of the provisioned Secret, over TCP, and a wrong password is refused. Then an
// app built by the pipeline is linked to each database's Secret in turn (`--link-db`:
// deploy.links) and answers, through the API server's service proxy, what it wrote and read.
//
// The app knows only what the linked Secret gives it: DATABASE_URL / REDIS_URL name the
// database by its Service name, as the template writes it. The real node's cluster DNS
// (CoreDNS) resolves that name to the Service's ClusterIP and kube-proxy sends the connection
// to the database's pod (test/env/node/README.md).
const IMAGES = {
  postgresql: process.env.SLIPWAY_TEST_POSTGRESQL_IMAGE,
  mysql: process.env.SLIPWAY_TEST_MYSQL_IMAGE,
  mongodb: process.env.SLIPWAY_TEST_MONGODB_IMAGE,
  redis: process.env.SLIPWAY_TEST_REDIS_IMAGE,
};
for (const [name, image] of Object.entries(IMAGES)) {
  if (!image) throw new Error(`SLIPWAY_TEST_${name.toUpperCase()}_IMAGE is not set: run tests with scripts/test.sh (test/env/images/build.sh builds the database stand-ins)`);
}

const kc = testKubeConfig();
const core = kc.makeApiClient(CoreV1Api);
const appsApi = kc.makeApiClient(AppsV1Api);
const NAMESPACE = `dbrn-${randomUUID().slice(0, 8)}`;
let t: TestApi;
let workers: Worker[];
let realNode: string;
const p = pipeline(() => t);

type Secret = Record<string, string>;
/** The password a command is given when it must be refused. */
const WRONG = 'not-the-password';

interface Database {
  template: string;
  /** DATABASE_SERVICE_NAME: the Service, StatefulSet, Secret, and the host in the Secret's URL. */
  service: string;
  container: string;
  imageParameter: string;
  image: string;
  /** The probe command the template gives the kubelet (its first words). */
  probe: RegExp;
  /** A command in the database's own container that writes `token` and prints it read back, as the Secret's user over TCP to `address`. */
  writeRead(params: { secret: Secret; address: string; token: string; password?: string }): string[];
  /** A command that prints `token` if the app wrote it (into table/collection/key `dbrn_app`). */
  readApp(params: { secret: Secret; address: string; token: string }): string[];
  /** What the server says when the password is wrong. */
  refused: RegExp;
  /** What the app must report of the server it reached. */
  app(secret: Secret): Record<string, unknown>;
}

const DATABASES: Database[] = [
  {
    template: 'postgresql-persistent',
    service: 'dbrn-postgresql',
    container: 'postgresql',
    imageParameter: 'POSTGRESQL_IMAGE',
    image: IMAGES.postgresql!,
    probe: /pg_isready/,
    // Over the pod's address, not 127.0.0.1: the official image (and the stand-in) trusts
    // loopback, and every other address must authenticate (scram-sha-256).
    writeRead: ({ secret, address, token, password }) => [
      'psql', `postgresql://${secret.POSTGRESQL_USER}:${password ?? secret.POSTGRESQL_PASSWORD}@${address}:5432/${secret.POSTGRESQL_DATABASE}`, '-v', 'ON_ERROR_STOP=1', '-Atc',
      `CREATE TABLE IF NOT EXISTS dbrn_exec (token text); INSERT INTO dbrn_exec VALUES ('${token}'); SELECT token FROM dbrn_exec WHERE token = '${token}';`,
    ],
    readApp: ({ secret, address, token }) => [
      'psql', `postgresql://${secret.POSTGRESQL_USER}:${secret.POSTGRESQL_PASSWORD}@${address}:5432/${secret.POSTGRESQL_DATABASE}`, '-Atc', `SELECT token FROM dbrn_app WHERE token = '${token}'`,
    ],
    refused: /password authentication failed for user/,
    app: (secret) => ({ user: secret.POSTGRESQL_USER, database: secret.POSTGRESQL_DATABASE, server: expect.stringMatching(/^PostgreSQL 15\./) }),
  },
  {
    template: 'mysql-persistent',
    service: 'dbrn-mysql',
    container: 'mysql',
    imageParameter: 'MYSQL_IMAGE',
    image: IMAGES.mysql!,
    probe: /mysqladmin ping/,
    writeRead: ({ secret, address, token, password }) => [
      'mysql', '-h', address, '-u', secret.MYSQL_USER!, `-p${password ?? secret.MYSQL_PASSWORD}`, secret.MYSQL_DATABASE!, '-N', '-B', '-e',
      `CREATE TABLE IF NOT EXISTS dbrn_exec (token VARCHAR(100)); INSERT INTO dbrn_exec VALUES ('${token}'); SELECT token FROM dbrn_exec WHERE token = '${token}';`,
    ],
    readApp: ({ secret, address, token }) => [
      'mysql', '-h', address, '-u', secret.MYSQL_USER!, `-p${secret.MYSQL_PASSWORD}`, secret.MYSQL_DATABASE!, '-N', '-B', '-e', `SELECT token FROM dbrn_app WHERE token = '${token}'`,
    ],
    refused: /Access denied for user/,
    app: (secret) => ({ user: `${secret.MYSQL_USER}@%`, database: secret.MYSQL_DATABASE, server: expect.stringMatching(/MariaDB/) }),
  },
  {
    template: 'mongodb-persistent',
    service: 'dbrn-mongodb',
    container: 'mongodb',
    imageParameter: 'MONGODB_IMAGE',
    image: IMAGES.mongodb!,
    probe: /mongosh/,
    // The user the template's first-start script (its ConfigMap, run by the entrypoint) created.
    writeRead: ({ secret, address, token, password }) => [
      'mongosh', `mongodb://${secret.MONGODB_USER}:${password ?? secret.MONGODB_PASSWORD}@${address}:27017/${secret.MONGODB_DATABASE}`, '--quiet', '--eval',
      `db.dbrn_exec.insertOne({ token: '${token}' }); print(db.dbrn_exec.findOne({ token: '${token}' }).token)`,
    ],
    readApp: ({ secret, address, token }) => [
      'mongosh', `mongodb://${secret.MONGODB_USER}:${secret.MONGODB_PASSWORD}@${address}:27017/${secret.MONGODB_DATABASE}`, '--quiet', '--eval',
      `print(db.dbrn_app.findOne({ token: '${token}' }).token)`,
    ],
    refused: /Authentication failed/,
    app: (secret) => ({ user: `${secret.MONGODB_USER}@${secret.MONGODB_DATABASE}`, database: secret.MONGODB_DATABASE, server: expect.stringMatching(/^7\./) }),
  },
  {
    template: 'redis-persistent',
    service: 'dbrn-redis',
    container: 'redis',
    imageParameter: 'REDIS_IMAGE',
    image: IMAGES.redis!,
    probe: /redis-cli/,
    writeRead: ({ secret, address, token, password }) => [
      'sh', '-c', 'redis-cli -h "$1" -a "$2" --no-auth-warning SET dbrn-exec "$3" >&2 && redis-cli -h "$1" -a "$2" --no-auth-warning GET dbrn-exec', 'sh',
      address, password ?? secret.REDIS_PASSWORD!, token,
    ],
    readApp: ({ secret, address, token }) => ['redis-cli', '-h', address, '-a', secret.REDIS_PASSWORD!, '--no-auth-warning', 'GET', `dbrn-app:${token}`],
    refused: /WRONGPASS|NOAUTH/,
    app: () => ({ auth: '+OK', set: '+OK' }),
  },
];

/** Per database: its pod's address and the values of its Secret, once it serves. */
const served = new Map<string, { address: string; secret: Secret }>();

beforeAll(async () => {
  ({ t, node: realNode, workers } = await startRealNodeApi(kc, { name: 'databases-real-node' }));
}, 60_000);

afterAll(() => stopRealNodeSuite(kc, { workers, cleanup: () => p.cleanup(), t, namespaces: [NAMESPACE] }), 120_000);

test.each(DATABASES.map((db) => [db.template, db] as const))(
  '%s: provisioned onto the real node with the stand-in image, really ready, and serves with the Secret\'s credentials',
  async (_, db) => {
    const res = await t.api.inject({
      method: 'POST',
      url: '/templates/provision',
      headers: auth,
      payload: { template: db.template, namespace: NAMESPACE, parameters: { DATABASE_SERVICE_NAME: db.service, [db.imageParameter]: db.image }, waitSeconds: 420 },
    });
    expect(res.statusCode).toBe(200);
    const report = res.json() as ProvisionReport;
    // Ready as Slipway judges a rollout, which a real kubelet decides here: the pod's probe passed.
    expect(report.waited).toEqual([expect.objectContaining({ kind: 'StatefulSet', name: db.service, state: 'ready' })]);

    // Placement and pull secret, as app pods get them (provision.ts), on the live object.
    const set = await appsApi.readNamespacedStatefulSet({ namespace: NAMESPACE, name: db.service });
    const spec = set.spec!.template.spec!;
    expect(spec.nodeSelector).toMatchObject({ 'slipway.dev/node': 'real' });
    expect(spec.tolerations).toContainEqual(expect.objectContaining({ key: 'slipway.dev/real-node', effect: 'NoSchedule' }));
    expect(spec.imagePullSecrets).toContainEqual({ name: PULL_SECRET_NAME });

    const pod = await core.readNamespacedPod({ namespace: NAMESPACE, name: `${db.service}-0` });
    expect(pod.spec!.nodeName).toBe(realNode);
    const container = pod.status!.containerStatuses!.find((c) => c.name === db.container)!;
    // A real runtime ran the stand-in (kwok pods have no container id), and it is Ready by the
    // template's own exec probe, run by the kubelet in the container.
    expect(container.containerID).toMatch(/^containerd:\/\//);
    expect(container.imageID).toContain(db.image.split('@')[1]);
    expect(container.ready).toBe(true);
    expect(pod.status!.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' }));
    const probe = pod.spec!.containers.find((c) => c.name === db.container)!.readinessProbe!;
    expect(probe.exec?.command?.join(' ')).toMatch(db.probe);
    // As the template says: the images' own non-root uid, on a claim that is bound.
    expect(pod.spec!.securityContext?.runAsUser).toBe(999);
    const claims = await core.listNamespacedPersistentVolumeClaim({ namespace: NAMESPACE, labelSelector: `name=${db.service}` });
    expect(claims.items.map((c) => c.status?.phase)).toEqual(['Bound']);

    const secret = await secretValues(db.service);
    const address = pod.status!.podIP!;
    const token = `exec-${randomUUID().slice(0, 8)}`;
    const wrote = await exec(pod, db.container, db.writeRead({ secret, address, token }));
    expect(wrote).toMatchObject({ status: 'Success' });
    expect(wrote.stdout.trim().split('\n').pop()).toBe(token);

    // redis-cli exits 0 on an error reply: judged by what the server answered, not the exit code.
    const refused = await exec(pod, db.container, db.writeRead({ secret, address, token: `${token}-refused`, password: WRONG }));
    expect(`${refused.stdout}\n${refused.stderr}`).toMatch(db.refused);
    expect(refused.stdout).not.toContain(`${token}-refused`);
    served.set(db.service, { address, secret });
  },
  600_000,
);

let app: string;

test.each(DATABASES.map((db, index) => [db.template, db, index] as const))(
  'an app linked to the %s Secret (deploy.links) runs on the real node and reaches the database with the linked credentials',
  async (_, db, index) => {
    const database = served.get(db.service);
    if (!database) throw new Error(`${db.template} did not come up in the test before: nothing to link to`);
    let release: Release;
    if (index === 0) {
      // Built once by the pipeline, linked to the first database as `--link-db` does.
      const created = await p.newApp('dbrn-client', {
        deploy: { autoDeploy: true, namespace: NAMESPACE, links: [db.service], readinessDeadlineSeconds: 180 },
      });
      app = created.name;
      const build = await p.build(created);
      const image = await p.expectPushed(build);
      release = await settledRelease({ releases: t.services.releases, app, number: 1, timeoutMs: 300_000 });
      expect(release).toMatchObject({ status: 'current', image });
    } else {
      expect(app).toBeDefined();
      // Relinked: the next release's pods get this database's Secret instead.
      release = await settledRelease({ releases: t.services.releases, app, number: await newRelease(app, { deploy: { links: [db.service] } }), timeoutMs: 300_000 });
      expect(release.status).toBe('current');
    }
    expect(release.config.links).toEqual([db.service]);
    const pods = await readyReleasePods(kc, { namespace: NAMESPACE, app, release: release.number });
    for (const pod of pods) {
      expect(pod.spec!.nodeName).toBe(realNode);
      expect(pod.spec!.containers[0]!.envFrom).toContainEqual({ secretRef: { name: db.service } });
    }

    const token = `app-${randomUUID().slice(0, 8)}`;
    const answer = (await serviceProxyGet(kc, { namespace: NAMESPACE, service: app, path: `check/${token}` })).json as Record<string, unknown>;
    const kind = db.template.replace('-persistent', '');
    // The Secret's host is the bare Service name; the pod's resolver found it (search path of
    // its namespace) and it is the Service's ClusterIP, not the database pod's address.
    const service = await core.readNamespacedService({ namespace: NAMESPACE, name: db.service });
    expect(service.spec!.clusterIP).not.toBe(database.address);
    expect(answer).toMatchObject({ kind, host: db.service, address: service.spec!.clusterIP, result: { token, ...db.app(database.secret) } });
    // Read back by the database's own client: the app's write is in that database.
    const pod = await core.readNamespacedPod({ namespace: NAMESPACE, name: `${db.service}-0` });
    const read = await exec(pod, db.container, db.readApp({ secret: database.secret, address: database.address, token }));
    expect(read).toMatchObject({ status: 'Success' });
    expect(read.stdout.trim()).toBe(token);
  },
  600_000,
);

async function secretValues(name: string): Promise<Secret> {
  const secret = await core.readNamespacedSecret({ namespace: NAMESPACE, name });
  return Object.fromEntries(Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString()]));
}

/** Runs `command` in a container through the API server (kubectl exec); its output and how it ended. */
async function exec(pod: V1Pod, container: string, command: string[]): Promise<{ status: string; stdout: string; stderr: string; message?: string }> {
  const collect = () => {
    const chunks: Buffer[] = [];
    return { stream: new Writable({ write: (chunk: Buffer, _encoding, done) => { chunks.push(chunk); done(); } }), text: () => Buffer.concat(chunks).toString() };
  };
  const [stdout, stderr] = [collect(), collect()];
  const status = await new Promise<V1Status>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`exec in ${pod.metadata!.name} did not end in 120 s: ${command[0]}`)), 120_000);
    new Exec(kc)
      .exec(NAMESPACE, pod.metadata!.name!, container, command, stdout.stream, stderr.stream, null, false, (s) => {
        clearTimeout(timer);
        resolve(s);
      })
      .catch((error: unknown) => {
        clearTimeout(timer);
        reject(error);
      });
  });
  return { status: status.status ?? 'Unknown', stdout: stdout.text(), stderr: stderr.text(), ...(status.message ? { message: status.message } : {}) };
}

async function newRelease(name: string, payload: Record<string, unknown>): Promise<number> {
  const res = await t.api.inject({ method: 'POST', url: `/apps/${name}/releases`, headers: auth, payload });
  if (res.statusCode !== 202) throw new Error(`release of ${name} answered ${res.statusCode}: ${res.body}`);
  return (res.json() as Release).number;
}


