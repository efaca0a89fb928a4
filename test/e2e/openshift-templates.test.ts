import https from 'node:https';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AppsV1Api, CoreV1Api, NetworkingV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Worker } from 'bullmq';
import type { ProvisionReport } from '../../src/templates/provision.js';
import type { TestApi } from '../helpers/api.js';
import { deleteNamespace, testKubeConfig } from '../helpers/cluster.js';
import { auth } from '../helpers/config.js';
import { publishFixture, type PublishedRepo } from '../helpers/git-fixture.js';
import { startRealNodeApi } from '../helpers/real-node.js';
import { waitFor } from '../helpers/wait.js';

// Issue 16: a real OpenShift template, unchanged — sclorg's nodejs-postgresql-persistent
// (test/templates/fixtures, Apache-2.0, see NOTICE.md): a Secret, a BuildConfig and its
// ImageStream, the app's Deployment bound by the image.openshift.io/triggers annotation, a Route
// without a host, a PersistentVolumeClaim, and a PostgreSQL Deployment whose image is the
// `openshift` namespace's `postgresql:12-el8`. Provisioned on the REAL node, with the install's
// image-stream map pointing `postgresql` at the test registry's stand-in (which follows
// sclorg's POSTGRESQL_* contract and /var/lib/pgsql/data) and an apps domain for the Route:
// every workload runs a real image, the database really starts from the template's own
// variables on its claim, and the app built from a fixture repo reaches it.

const PG_IMAGE = process.env.SLIPWAY_TEST_POSTGRESQL_IMAGE;
if (!PG_IMAGE) throw new Error('SLIPWAY_TEST_POSTGRESQL_IMAGE is not set: run tests with scripts/test.sh (test/env/images/build.sh builds the database stand-ins)');
const TEMPLATE = readFileSync(new URL('../templates/fixtures/nodejs-postgresql-persistent.json', import.meta.url), 'utf8');
const APPS_DOMAIN = 'apps.slipway.test';
const NAME = 'nodejs-postgresql-persistent';

const kc = testKubeConfig();
const core = kc.makeApiClient(CoreV1Api);
const NAMESPACE = `ostpl-${randomUUID().slice(0, 8)}`;
let t: TestApi;
let workers: Worker[];
let realNode: string;
let repo: PublishedRepo;

beforeAll(async () => {
  ({ t, node: realNode, workers } = await startRealNodeApi(kc, {
    name: 'openshift-templates',
    overrides: { SLIPWAY_OPENSHIFT_IMAGES: JSON.stringify({ postgresql: { image: PG_IMAGE, version: '15' } }), SLIPWAY_APPS_DOMAIN: APPS_DOMAIN },
  }));
  repo = await publishFixture('openshift-nodejs-pg');
}, 60_000);

afterAll(async () => {
  for (const w of workers ?? []) await w.close();
  await t?.close();
  await repo?.cleanup();
  await deleteNamespace(kc, NAMESPACE);
}, 120_000);

test('sclorg nodejs-postgresql-persistent, unchanged: every workload on a real image, the database started the sclorg way on its claim, the app reaching it', async () => {
  const res = await t.api.inject({
    method: 'POST',
    url: '/templates/provision',
    headers: auth,
    payload: {
      content: TEMPLATE,
      namespace: NAMESPACE,
      // Only what a user passes to `oc new-app -f`: the repo (a local mirror), and `latest` for
      // the Node.js builder stream (version pins are another helper's: nodejs:22 may not be here).
      parameters: { SOURCE_REPOSITORY_URL: repo.url, SOURCE_REPOSITORY_REF: repo.branch, NODEJS_VERSION: 'latest' },
      waitSeconds: 600,
    },
  });
  expect(res.statusCode).toBe(200);
  const report = res.json() as ProvisionReport;
  expect(report.unsupported).toEqual([]);
  expect(report.notes).toEqual(expect.arrayContaining([
    expect.stringMatching(/^Deployment\/postgresql: container postgresql: postgresql:12-el8 is the openshift namespace's stream: .*postgresql:12-el8 asks for version 12; deploying .* \(version 15\)/),
    `Route/${NAME}: no spec.host: ${NAME}-${NAMESPACE}.${APPS_DOMAIN}, as OpenShift's router names it (<route>-<namespace>.<SLIPWAY_APPS_DOMAIN>)`,
  ]));
  expect(report.apps).toEqual([expect.objectContaining({ name: NAME, action: 'created', buildId: expect.any(String) })]);
  // wait-for-ready, as the template marks them: the build's first release and both Deployments.
  expect(report.waited.map((w) => [w.kind, w.name, w.state, w.message])).toEqual([
    ['App', NAME, 'ready', expect.any(String)],
    ['Deployment', NAME, 'ready', expect.any(String)],
    ['Deployment', 'postgresql', 'ready', expect.any(String)],
  ]);
  expect(report.objects).toEqual(expect.arrayContaining([
    { kind: 'Secret', name: NAME, action: 'created', keys: ['database-admin-password', 'database-password', 'database-user'] },
    expect.objectContaining({ kind: 'PersistentVolumeClaim', name: 'postgresql', action: 'created' }),
    expect.objectContaining({ kind: 'Deployment', name: 'postgresql', action: 'created' }),
    expect.objectContaining({ kind: 'Ingress', name: NAME, action: 'created' }),
    { kind: 'Deployment', name: NAME, action: 'managed by app' },
  ]));

  // The database: the stand-in from the map, run by the real node's containerd, ready by a
  // real kubelet, its data on the template's claim at sclorg's path.
  const pods = (await core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: 'name=postgresql' })).items;
  expect(pods).toHaveLength(1);
  const pod = pods[0]!;
  expect(pod.spec!.nodeName).toBe(realNode);
  const container = pod.spec!.containers[0]!;
  expect(container.image).toBe(PG_IMAGE);
  expect(container.volumeMounts).toContainEqual(expect.objectContaining({ mountPath: '/var/lib/pgsql/data' }));
  const status = pod.status!.containerStatuses![0]!;
  expect(status.containerID).toMatch(/^containerd:\/\//);
  expect(status.imageID).toContain(PG_IMAGE.split('@')[1]);
  expect(status.ready).toBe(true);
  expect(status.restartCount).toBe(0);
  const claim = await core.readNamespacedPersistentVolumeClaim({ namespace: NAMESPACE, name: 'postgresql' });
  expect(claim.status?.phase).toBe('Bound');
  // Ready comes from the probe once the server takes connections, which the init script's
  // temporary server already does: its last line may follow the Ready by a moment.
  let log = '';
  await waitFor({
    timeoutMs: 60_000,
    intervalMs: 500,
    check: async () => {
      log = await core.readNamespacedPodLog({ namespace: NAMESPACE, name: pod.metadata!.name!, container: 'postgresql' });
      return log.includes('PostgreSQL (sclorg contract) init process complete') || undefined;
    },
    message: () => `the database's log never said its init was complete: ${log.slice(-500)}`,
  });

  // Every workload runs a real image: none is left with the trigger placeholder.
  const deployments = (await kc.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace: NAMESPACE })).items;
  expect(deployments.map((d) => d.metadata!.name).sort()).toEqual([NAME, 'postgresql']);
  for (const d of deployments) for (const c of d.spec!.template.spec!.containers) expect(c.image?.trim()).toMatch(/^[^\s]+\/[^\s]+[:@]/);

  // The Route: an Ingress on the host OpenShift's router would give it.
  const ingress = await kc.makeApiClient(NetworkingV1Api).readNamespacedIngress({ namespace: NAMESPACE, name: NAME });
  expect(ingress.spec!.rules).toEqual([expect.objectContaining({ host: `${NAME}-${NAMESPACE}.${APPS_DOMAIN}` })]);

  // The app, built from the repo, reaches the database with the template's credentials.
  const token = `tpl-${randomUUID().slice(0, 8)}`;
  const answer = await serviceProxyGet(kc, { namespace: NAMESPACE, service: NAME, port: 'web', path: `db/${token}` });
  const secret = await core.readNamespacedSecret({ namespace: NAMESPACE, name: NAME });
  const user = Buffer.from(secret.data!['database-user']!, 'base64').toString();
  expect(JSON.parse(answer)).toEqual({ token, user, database: 'my_data', server: expect.stringMatching(/^PostgreSQL 15\./) });
}, 900_000);

/** GET through the API server's service proxy to a named Service port, once it answers 2xx. */
async function serviceProxyGet(config: KubeConfig, params: { namespace: string; service: string; port: string; path: string }): Promise<string> {
  const url = new URL(`/api/v1/namespaces/${params.namespace}/services/${params.service}:${params.port}/proxy/${params.path}`, config.getCurrentCluster()!.server);
  const options: https.RequestOptions = { method: 'GET' };
  await config.applyToHTTPSOptions(options);
  let last = '';
  return waitFor({
    timeoutMs: 120_000,
    intervalMs: 1000,
    check: async () => {
      const answer = await new Promise<{ status: number; text: string }>((resolve) => {
        const request = https.request(url, options, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
          res.on('error', (error) => resolve({ status: 0, text: String(error) }));
        });
        request.on('error', (error) => resolve({ status: 0, text: String(error) }));
        request.end();
      });
      last = `${answer.status} ${answer.text.slice(0, 300)}`;
      return answer.status >= 200 && answer.status < 300 ? answer.text : undefined;
    },
    message: () => `the service proxy of ${params.service}:${params.port} did not answer 2xx: ${last}`,
  });
}
