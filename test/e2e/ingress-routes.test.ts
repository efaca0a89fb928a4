import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'bullmq';
import { CoreV1Api, NetworkingV1Api } from '@kubernetes/client-node';
import type { Release } from '../../src/store/types.js';
import type { TestApi } from '../helpers/api.js';
import { testKubeConfig } from '../helpers/cluster.js';
import { auth } from '../helpers/config.js';
import { LATE_SERVICES_TIMEOUT_MS, lateServicesReady } from '../helpers/late-services.js';
import { pipeline } from '../helpers/pipeline.js';
import { startRealNodeApi, stopRealNodeSuite } from '../helpers/real-node.js';
import { settledRelease } from '../helpers/releases.js';
import { waitFor } from '../helpers/wait.js';

// Issue 19 on the REAL node, through a real Ingress controller: the test env's router (Traefik,
// test/env/router) serves Ingresses of class SLIPWAY_TEST_INGRESS_CLASS, TLS by SNI on
// SLIPWAY_TEST_INGRESS_TLS_URL. An app routed on two paths of one host, with TLS from a Secret
// holding a certificate this test makes: each path reaches the app, a path not routed does not,
// and the router serves the Secret's certificate for the host (and not for another host).

const kc = testKubeConfig();
const core = kc.makeApiClient(CoreV1Api);
const networking = kc.makeApiClient(NetworkingV1Api);
let t: TestApi;
let workers: Worker[];
const p = pipeline(() => t);
let app: string;
let host: string;
let cert: { pem: string; key: string; fingerprint: string };
const tlsUrl = new URL(requireEnv('SLIPWAY_TEST_INGRESS_TLS_URL'));
const ingressClass = requireEnv('SLIPWAY_TEST_INGRESS_CLASS');

const SERVER = `const http = require('http');
process.on('SIGTERM', () => process.exit(0));
http.createServer((req, res) => {
  if (req.url === '/ready') return res.end('ready');
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ path: req.url }));
}).listen(Number(process.env.PORT || 8080));
`;

// The router and metrics-server may still be building (test/env/late-services.sh).
beforeAll(lateServicesReady, LATE_SERVICES_TIMEOUT_MS);

beforeAll(async () => {
  ({ t, workers } = await startRealNodeApi(kc, { name: 'ingress-workers', overrides: { SLIPWAY_INGRESS_CLASS: ingressClass } }));
  const created = await p.newApp('node-server', { deploy: { autoDeploy: true, replicas: 1, readinessPath: '/ready', readinessDeadlineSeconds: 120 } });
  app = created.name;
  host = `${app}.slipway.test`;
  cert = selfSigned(host);
  const sha = await created.repo.commit({ 'server.js': SERVER }, 'a server that says which path it got');
  await p.expectPushed(await p.build({ ...created, sha }));
  expect(await settledRelease({ releases: t.services.releases, app, number: 1, timeoutMs: 300_000 })).toMatchObject({ status: 'current' });
}, 600_000);

afterAll(() => stopRealNodeSuite(kc, { workers, cleanup: () => p.cleanup(), t, namespaces: [app] }), 300_000);

test("two paths on one host reach the app over TLS with the Secret's certificate; a path not routed does not", async () => {
  const namespace = (await t.services.apps.get(app)).deploy.namespace;
  await core.createNamespacedSecret({
    namespace,
    body: { metadata: { name: `${app}-cert` }, type: 'kubernetes.io/tls', data: { 'tls.crt': b64(cert.pem), 'tls.key': b64(cert.key) } },
  });
  const api = await addRoute({ host, path: '/api', tls: { secretName: `${app}-cert` } });
  expect(api.routes).toEqual([{ host, path: '/api', pathType: 'Prefix', primary: false, url: `https://${host}/api`, tls: { secretName: `${app}-cert` } }]);
  expect(api.ingressClassName).toBe(ingressClass);
  const admin = await addRoute({ host, path: '/admin' });
  expect(await settledRelease({ releases: t.services.releases, app, number: admin.release!.number, timeoutMs: 300_000 })).toMatchObject({ status: 'current' });

  // The Ingress as applied: the install's class, the host's TLS Secret, both paths.
  const ingress = await networking.readNamespacedIngress({ namespace, name: app });
  expect(ingress.spec).toMatchObject({
    ingressClassName: ingressClass,
    tls: [{ hosts: [host], secretName: `${app}-cert` }],
    rules: [{ host, http: { paths: [{ path: '/api', pathType: 'Prefix' }, { path: '/admin', pathType: 'Prefix' }] } }],
  });

  // The router picks the Ingress up on its own watch, one version after another (first /api
  // alone, then both paths; Traefik throttles reloads): wait until both paths answer.
  await waitFor({
    timeoutMs: 60_000,
    intervalMs: 500,
    check: async () => ((await Promise.all(['/api', '/admin'].map((route) => get(host, route)))).every((a) => a.status === 200) ? true : undefined),
    message: () => `https://${host}/api and /admin never both answered through the router`,
  });
  for (const route of ['/api', '/api/orders?id=7', '/admin']) {
    const answer = await get(host, route);
    expect(answer).toMatchObject({ status: 200, json: { path: route } });
    // The certificate served for the host is the Secret's: the handshake trusted only it, and it is it.
    expect(answer.fingerprint).toBe(cert.fingerprint);
  }
  // Not routed: the router answers 404 itself, the app never sees it.
  for (const route of ['/', '/other', '/ap']) {
    const answer = await get(host, route);
    expect(answer.status).toBe(404);
    expect(answer.json).toBeUndefined();
  }
  // Another host is not the Secret's: the router's own certificate, which our CA does not sign.
  await expect(get(`not-${host}`, '/api')).rejects.toThrow(/self.signed|unable to verify|certificate/i);

  // A route removed stops reaching the app, the other stays.
  const removed = await t.api.inject({ method: 'DELETE', url: `/apps/${app}/routes?host=${host}&path=/admin`, headers: auth });
  expect(removed.statusCode).toBe(200);
  const release = (removed.json() as { release: Release }).release;
  expect(await settledRelease({ releases: t.services.releases, app, number: release.number, timeoutMs: 300_000 })).toMatchObject({ status: 'current' });
  await waitFor({ timeoutMs: 60_000, intervalMs: 500, check: async () => ((await get(host, '/admin')).status === 404 ? true : undefined), message: () => `https://${host}/admin still answers after its route was removed` });
  expect(await get(host, '/api')).toMatchObject({ status: 200, json: { path: '/api' } });

  // The last route removed: the release that has none deletes the Ingress (server-side apply
  // alone would leave it serving), and the router stops answering for the app.
  const last = await t.api.inject({ method: 'DELETE', url: `/apps/${app}/routes?host=${host}&path=/api`, headers: auth });
  expect(last.json()).toMatchObject({ routes: [] });
  const lastRelease = (last.json() as { release: Release }).release;
  expect(await settledRelease({ releases: t.services.releases, app, number: lastRelease.number, timeoutMs: 300_000 })).toMatchObject({ status: 'current' });
  await expect(networking.readNamespacedIngress({ namespace, name: app })).rejects.toMatchObject({ code: 404 });
  await waitFor({ timeoutMs: 60_000, intervalMs: 500, check: async () => ((await get(host, '/api').catch(() => ({ status: 0 }))).status !== 200 ? true : undefined), message: () => `https://${host}/api still answers with no route left` });
}, 900_000);

async function addRoute(body: Record<string, unknown>): Promise<{ routes: unknown[]; ingressClassName: string | null; release: Release | null }> {
  const res = await t.api.inject({ method: 'POST', url: `/apps/${app}/routes`, headers: auth, payload: body });
  if (res.statusCode !== 201) throw new Error(`adding a route failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** A GET through the router's TLS entry point, with `servername` as SNI and Host, trusting only the test's certificate. */
function get(servername: string, route: string): Promise<{ status: number; json?: unknown; fingerprint?: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: tlsUrl.hostname, port: Number(tlsUrl.port), path: route, servername, headers: { host: servername }, ca: cert.pem, agent: false, timeout: 10_000 },
      (res) => {
        const fingerprint = (res.socket as import('node:tls').TLSSocket).getPeerX509Certificate?.()?.fingerprint256;
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => {
          let json: unknown;
          if (res.headers['content-type']?.includes('application/json')) json = JSON.parse(body);
          resolve({ status: res.statusCode!, ...(json !== undefined ? { json } : {}), ...(fingerprint ? { fingerprint } : {}) });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET https://${servername}${route} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** A self-signed certificate for `host` made with openssl (CN and subjectAltName). */
function selfSigned(name: string): { pem: string; key: string; fingerprint: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`, '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    const pem = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
    return { pem, key: readFileSync(path.join(dir, 'key.pem'), 'utf8'), fingerprint: new X509Certificate(pem).fingerprint256 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function b64(text: string): string {
  return Buffer.from(text).toString('base64');
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: source ~/.cache/slipway/state/env.sh (test/env/start.sh exports it)`);
  return value;
}
