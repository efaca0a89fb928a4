import { Writable } from 'node:stream';
import { CoreV1Api } from '@kubernetes/client-node';
import type { Worker } from 'bullmq';
import { pino } from 'pino';
import { createBuildWorker } from '../../src/builds/build-worker.js';
import { createDeployWorker } from '../../src/releases/deploy-worker.js';
import { appSelector } from '../../src/releases/render/labels.js';
import type { Release } from '../../src/store/types.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { testKubeConfig } from '../helpers/cluster.js';
import { auth } from '../helpers/config.js';
import { pipeline } from '../helpers/pipeline.js';
import { readyReleasePods, realNodeConfig, requireRealNode, serviceProxyGet, stopRealNodeSuite } from '../helpers/real-node.js';
import { settledRelease } from '../helpers/releases.js';
import { waitFor } from '../helpers/wait.js';

// issue 19 on the REAL node: config files and secret files mounted into a running app. The app
// itself reads them (GET /file?path=...), asked through the API server's service proxy; a change
// of a file is a release that serves the new bytes, and a rollback serves the old ones again.

const kc = testKubeConfig();
let t: TestApi;
let workers: Worker[];
const p = pipeline(() => t);
let app = '';
/** Everything the build and deploy workers log, at debug level. */
let logged = '';

const SECRET = 'PRIVATE-KEY-5d2c81e07a94-must-stay-sealed';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x80]);
const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64');

// Answers a file's bytes (base64) and mode, or a directory's entries: what the app sees.
const SERVER = `const http = require('http');
const fs = require('fs');
http
  .createServer((req, res) => {
    const url = new URL(req.url, 'http://app');
    const path = url.searchParams.get('path');
    res.setHeader('content-type', 'application/json');
    try {
      if (url.pathname === '/file') return res.end(JSON.stringify({ b64: fs.readFileSync(path).toString('base64'), mode: (fs.statSync(path).mode & 0o777).toString(8) }));
      if (url.pathname === '/ls') return res.end(JSON.stringify({ entries: fs.readdirSync(path).sort() }));
      res.end('{}');
    } catch (error) {
      res.statusCode = 404;
      res.end(JSON.stringify({ error: String(error) }));
    }
  })
  .listen(Number(process.env.PORT || 8080));
`;

beforeAll(async () => {
  await requireRealNode(kc);
  t = await startTestApi(realNodeConfig());
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged += chunk.toString();
      done();
    },
  });
  const logger = pino({ name: 'real-node-files-workers', level: 'debug' }, sink);
  workers = [createBuildWorker({ services: t.services, logger }), createDeployWorker({ services: t.services, kc, logger })];
  for (const w of workers) void w.run();
}, 60_000);

afterAll(() => stopRealNodeSuite(kc, { workers, cleanup: () => p.cleanup(), t, namespaces: [app] }), 600_000);

/** What the app reads at `path` (through the service proxy), once it answers `expected` there. */
async function readInPod(path: string, expected?: string): Promise<{ b64: string; mode: string }> {
  let last = '';
  return waitFor({
    timeoutMs: 120_000,
    intervalMs: 1000,
    check: async () => {
      const answer = (await serviceProxyGet(kc, { namespace: app, service: app, path: `file?path=${encodeURIComponent(path)}`, timeoutMs: 120_000 })).json as { b64: string; mode: string };
      last = answer.b64;
      return expected === undefined || answer.b64 === expected ? answer : undefined;
    },
    message: () => `the app reads ${path} as ${Buffer.from(last, 'base64').toString()}, not ${Buffer.from(expected ?? '', 'base64').toString()}`,
  });
}

async function put(segment: 'files' | 'secret-files', payload: Record<string, unknown>): Promise<number> {
  const res = await t.api.inject({ method: 'PUT', url: `/apps/${app}/${segment}`, headers: auth, payload });
  if (res.statusCode !== 200 || !res.json().release) throw new Error(`PUT ${segment} answered ${res.statusCode}: ${res.body}`);
  return res.json().release.number as number;
}

async function current(number: number): Promise<Release> {
  const release = await settledRelease({ releases: t.services.releases, app, number, timeoutMs: 300_000 });
  expect({ number, status: release.status, failure: release.failure?.message }).toEqual({ number, status: 'current', failure: undefined });
  return release;
}

let withFiles: Release;

test('a config file, a config directory with binary bytes and a secret directory: in the pod, as set', async () => {
  const created = await p.newApp('node-server', { deploy: { autoDeploy: true, readinessDeadlineSeconds: 120 } });
  app = created.name;
  const sha = await created.repo.commit({ 'server.js': SERVER }, 'a server that reads files');
  await p.expectPushed(await p.build({ ...created, sha }));
  await current(1);

  await put('files', { '/etc/slipway.conf': { content: b64('greeting = one\n') }, '/srv/static': { files: { 'logo.png': b64(PNG), 'a.txt': b64('A') } } });
  withFiles = await current(await put('secret-files', { '/etc/tls': { files: { 'tls.key': b64(SECRET), 'tls.crt': b64('CERT') } } }));

  expect(await readInPod('/etc/slipway.conf', b64('greeting = one\n'))).toEqual({ b64: b64('greeting = one\n'), mode: '444' });
  // subPath: the rest of /etc is still the image's.
  expect((await serviceProxyGet(kc, { namespace: app, service: app, path: `ls?path=${encodeURIComponent('/etc')}` })).json).toMatchObject({ entries: expect.arrayContaining(['os-release', 'passwd', 'slipway.conf']) });
  expect((await readInPod('/srv/static/logo.png')).b64).toBe(b64(PNG));
  // A directory mount: its files, beside the kubelet's atomic-update entries (`..data`, `..<timestamp>`).
  const listed = (await serviceProxyGet(kc, { namespace: app, service: app, path: `ls?path=${encodeURIComponent('/srv/static')}` })).json as { entries: string[] };
  expect(listed.entries.filter((e) => !e.startsWith('..'))).toEqual(['a.txt', 'logo.png']);
  // Secret files: readable by the app's uid (group 0), by no other user.
  expect(await readInPod('/etc/tls/tls.key')).toEqual({ b64: b64(SECRET), mode: '440' });

  // The release's stored manifests mount them, by version; the objects are immutable and hold the bytes.
  const { files, secretFiles } = withFiles.config;
  const manifests = JSON.stringify(withFiles.manifests);
  expect(manifests).toContain(`"configMap":{"name":"${app}-files-${files!.version}"`);
  expect(manifests).toContain(`"secret":{"secretName":"${app}-secret-files-${secretFiles!.version}"`);
  expect(manifests).toContain('"mountPath":"/etc/slipway.conf","readOnly":true,"subPath":"slipway.conf"');
  const core = kc.makeApiClient(CoreV1Api);
  const cm = await core.readNamespacedConfigMap({ namespace: app, name: `${app}-files-${files!.version}` });
  expect(cm.immutable).toBe(true);
  expect(Object.values(cm.binaryData ?? {})).toEqual([b64(PNG)]);
  const secret = await core.readNamespacedSecret({ namespace: app, name: `${app}-secret-files-${secretFiles!.version}` });
  expect([secret.immutable, Object.keys(secret.data ?? {}).sort()]).toEqual([true, ['0-tls.crt', '0-tls.key']]);
  const pods = await readyReleasePods(kc, { namespace: app, app, release: withFiles.number });
  expect(pods[0]!.spec!.nodeName).toBe(process.env.SLIPWAY_REAL_NODE);
}, 900_000);

test('a changed file is a new release serving the new bytes; a rollback serves the old ones again', async () => {
  const changed = await current(await put('files', { '/etc/slipway.conf': { content: b64('greeting = two\n') } }));
  expect(changed.config.files!.version).not.toBe(withFiles.config.files!.version);
  await readInPod('/etc/slipway.conf', b64('greeting = two\n'));
  // The directory stayed as it was, and so did the secret files.
  expect((await readInPod('/srv/static/logo.png')).b64).toBe(b64(PNG));
  expect(changed.config.secretFiles).toEqual(withFiles.config.secretFiles);

  const res = await t.api.inject({ method: 'POST', url: `/apps/${app}/rollback`, headers: auth, payload: { to: withFiles.number } });
  expect(res.statusCode).toBe(202);
  const back = await current(res.json().number);
  expect(back.config.files).toEqual(withFiles.config.files);
  await readInPod('/etc/slipway.conf', b64('greeting = one\n'));
  const files = (await t.api.inject({ method: 'GET', url: `/apps/${app}/files`, headers: auth })).json();
  expect(files.version).toBe(withFiles.config.files!.version);
}, 900_000);

test("a release's pre hook reads the files it brings, as the app does", async () => {
  const hooks = await t.api.inject({
    method: 'PUT',
    url: `/apps/${app}/hooks`,
    headers: auth,
    payload: { hooks: { pre: { command: ['sh', '-c', 'cat /etc/slipway.conf && test -r /etc/tls/tls.key && echo key readable'], timeoutSeconds: 120 } } },
  });
  expect(hooks.statusCode).toBe(200);
  const release = await current(await put('files', { '/etc/slipway.conf': { content: b64('greeting = three\n') } }));
  expect(release.hooks?.pre).toMatchObject({ state: 'succeeded', exitCode: 0 });
  expect(release.hooks!.pre!.log).toContain('greeting = three\nkey readable');
}, 900_000);

test('the secret is in no log and in no record in the clear', async () => {
  const forms = [SECRET, b64(SECRET), Buffer.from(SECRET).toString('hex')];
  const core = kc.makeApiClient(CoreV1Api);
  const pods = (await core.listNamespacedPod({ namespace: app, labelSelector: appSelector(app) })).items;
  let podLogs = '';
  for (const pod of pods) podLogs += await core.readNamespacedPodLog({ namespace: app, name: pod.metadata!.name! }).catch(() => '');
  const records = JSON.stringify(await t.services.releases.list(app)) + JSON.stringify(await t.services.apps.get(app));
  expect(logged.length).toBeGreaterThan(0);
  for (const form of forms) {
    expect({ form, inWorkerLogs: logged.includes(form), inPodLogs: podLogs.includes(form), inRecords: records.includes(form) }).toEqual({ form, inWorkerLogs: false, inPodLogs: false, inRecords: false });
  }
}, 120_000);
