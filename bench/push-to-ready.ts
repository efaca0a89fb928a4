// Benchmark: from `git push` to the new code serving on the real node. The node-server fixture
// (a Node.js app with one npm dependency, no Dockerfile: Slipway's nodejs S2I builder) is taken
// from a pushed change to pods that are Ready and answer HTTP 2xx, two ways in the same run,
// both onto the REAL node of the local cluster (test/env/node), same registry, same credentials:
//   slipway  the real API with in-process build and deploy workers (as test/e2e/real-node.test.ts
//            runs them), pods placed with the install placement (SLIPWAY_POD_NODE_SELECTOR /
//            _TOLERATIONS from the env's SLIPWAY_REAL_NODE_*), Slipway's defaults otherwise:
//            `git push` to the local git daemon, a signed GitHub push webhook, then clone, build,
//            push, release, rollout;
//   by hand  what a user types: `docker build` (the Dockerfile Slipway generates for this app)
//            + `docker push` (after `docker login` with the install's registry credentials) +
//            `kubectl apply` of a Deployment (readiness probe, the same nodeSelector/tolerations,
//            a pull secret from `kubectl create secret docker-registry`) and a Service +
//            `kubectl rollout status`.
// Done means: the tool says so (Slipway: the release is `current`; by hand: `kubectl rollout
// status` exited 0) AND this benchmark sees it, polling the API server's service proxy
// (/api/v1/namespaces/<ns>/services/<svc>:http/proxy/) until it answers 2xx with the pushed
// commit's marker while every live pod of the app is Ready (an old pod still up means the
// rollout has not finished). The same poller serves both sides.
// Cold: the app's first build and first rollout: a fresh app name (so a new image repository, no
// cache image of its own, a new namespace) and a package.json nobody has built before (so the
// `npm ci` layer cannot come from the engine's cache); by hand also `docker build --no-cache`.
// Warm: the next push, a source-only change to server.js (dependency layer cached, the base
// image and most layers already on the node). Slipway's app record is made before the clock
// starts (like registering a webhook); the namespace and its pull secret are made inside it, at
// deploy time, on both sides (Slipway's deploy worker; by hand `kubectl create namespace` and
// `kubectl create secret docker-registry` before the first apply).
// Rounds alternate which side goes first; medians per mode and the slipway / by-hand ratio.
// The readiness probe (TCP, every 5 s, on both sides) quantises the results: a new pod is
// Ready ~0.6 s after it runs when the kubelet re-probes at once, or ~5 s when it waits for the
// next period. On this node a pod created moments after its namespace mostly waits (seen: 5 of 6
// pods in fresh namespaces took ~5.5 s to Ready, 1 of 6 in an older one), which is why the
// namespace is made at the same point on both sides; run more rounds for steadier medians.
//
// Bounded: every wait has a deadline; namespaces, queues, keys, fixture repos and local images
// are removed at the end (registry blobs and the node's image cache stay, as after the tests).
//
//   bash bench/run.sh push-to-ready [rounds=3]
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.js';
import { loadBuilders } from '../src/builds/builder-catalog.js';
import { createBuildWorker } from '../src/builds/build-worker.js';
import { checkoutReader } from '../src/builds/checkout-reader.js';
import { generateDockerfile } from '../src/builds/generate-dockerfile.js';
import { RepoFiles } from '../src/builds/repo-files.js';
import { loadConfig, type Config } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createDeployWorker } from '../src/releases/deploy-worker.js';
import { loadKubeConfig } from '../src/services/kube-config.js';
import { openServices, type Services } from '../src/services/services.js';
import type { Build, Release } from '../src/store/types.js';
import { publishTree, type PublishedRepo } from '../test/helpers/git-fixture.js';
import { pushPayload, signedDelivery } from '../test/helpers/github.js';
import { waitFor } from '../test/helpers/wait.js';
import { openDockerCli, type DockerCli } from './lib/docker-cli.js';
import { createPullSecret, killKubectls, kubectlOk } from './lib/kubectl.js';
import { deleteNamespaces } from './lib/namespaces.js';
import { median, seconds, positiveInteger } from './lib/numbers.js';
import { realNode } from './lib/real-node.js';
import { podNames, serving } from './lib/serving.js';

const TOKEN = 'bench-token-0123456789abcdef';
const FIXTURE = 'node-server';
const FIXTURE_DIR = new URL(`../test/fixtures/apps/${FIXTURE}/`, import.meta.url);
const APP_LABEL = 'app.kubernetes.io/name';
const PULL_SECRET = 'regcred';
// A cold build runs `npm ci` against the npm registry on 2 cores; a hang still ends with a message.
const PUSH_TO_READY_TIMEOUT_MS = 10 * 60_000;
const POLL_MS = 200;
/** The port the app listens on: Slipway's default for a new app (checked), the by-hand Dockerfile's and containerPort. */
const PORT = 8080;

type Side = 'slipway' | 'by hand';
type Phase = 'cold' | 'warm';

/** Milliseconds from the start of one measurement; `total` is when both the tool and the poller said done. */
interface Measurement {
  total: number;
  /** Until a new pod's container ran: the same path without the readiness probe's quantisation. */
  running: number;
  steps: Array<[string, number]>;
}

interface Harness {
  config: Config;
  services: Services;
  api: FastifyInstance;
  workers: Worker[];
  kc: KubeConfig;
  docker: DockerCli;
  namespaces: Set<string>;
  repos: PublishedRepo[];
  dirs: string[];
  /** Images Slipway built into the local engine (the docker CLI removes its own). */
  images: Set<string>;
}

/**
 * The fixture's server, answering on every interface (the fixture itself listens on 127.0.0.1,
 * which a pod's probe and the service proxy cannot reach, as in test/e2e/real-node.test.ts),
 * with a marker that says which push it came from.
 */
const serverJs = (marker: string) => `const http = require('http');
const ms = require('ms');
const port = Number(process.env.PORT || 8080);
http
  .createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ app: 'node-server', marker: ${JSON.stringify(marker)}, path: req.url, uptime: ms(Math.round(process.uptime() * 1000)) }));
  })
  .listen(port);
`;

const fixturePackageJson = await readFile(new URL('package.json', FIXTURE_DIR), 'utf8');
/** A package.json no build has seen: same dependencies, a description of its own. */
const freshPackageJson = (tag: string) => `${JSON.stringify({ ...JSON.parse(fixturePackageJson), description: `push-to-ready ${tag}` }, null, 2)}\n`;

// ---- Slipway

async function createSlipwayApp(h: Harness, tag: string): Promise<{ name: string; secret: string; repo: PublishedRepo }> {
  const name = `bench-p6-${tag}`;
  // The repo exists before the app, with the fixture as it is: nothing is built until the timed push.
  const repo = await publishTree({ name, fixture: FIXTURE });
  h.repos.push(repo);
  h.namespaces.add(name); // an app's default namespace is its name
  const res = await h.api.inject({ method: 'POST', url: '/apps', headers: { authorization: `Bearer ${TOKEN}` }, payload: { name, repo: repo.url, branch: repo.branch } });
  if (res.statusCode !== 201) throw new Error(`creating app ${name}: ${res.statusCode} ${res.body}`);
  const port = (await h.services.apps.get(name)).port;
  if (port !== PORT) throw new Error(`app ${name} listens on ${port} by default, the by-hand side assumes ${PORT}`);
  return { name, secret: (res.json() as { webhook: { secret: string } }).webhook.secret, repo };
}

/** `git push` of `files`, a signed GitHub push webhook, then wait until the release serves the marker. */
async function slipwayPush(h: Harness, params: { name: string; secret: string; repo: PublishedRepo; files: Record<string, string>; marker: string }): Promise<Measurement> {
  const { name, repo } = params;
  const old = await podNames({ kc: h.kc, namespace: name, selector: `${APP_LABEL}=${name}` });
  const start = Date.now();
  const served = serving({ kc: h.kc, namespace: name, service: name, selector: `${APP_LABEL}=${name}`, marker: params.marker, old, timeoutMs: PUSH_TO_READY_TIMEOUT_MS });
  served.catch(() => undefined); // awaited below; a failure elsewhere must not leave it unhandled
  const sha = await repo.commit(params.files, `push-to-ready: ${params.marker}`);
  const pushedAt = Date.now();
  const delivery = signedDelivery({ secret: params.secret, event: 'push', payload: pushPayload({ ref: `refs/heads/${repo.branch}`, sha, cloneUrl: repo.url }) });
  const res = await h.api.inject({ method: 'POST', url: `/hooks/github/${name}`, headers: delivery.headers, payload: delivery.body });
  const body = res.json() as { buildId?: string };
  if (res.statusCode !== 202 || !body.buildId) throw new Error(`the push to ${name} was not accepted: ${res.statusCode} ${res.body}`);
  const acceptedAt = Date.now();
  const buildId = body.buildId;

  let build: Build | undefined;
  let release: Release | undefined;
  const released = await waitFor({
    timeoutMs: PUSH_TO_READY_TIMEOUT_MS,
    intervalMs: POLL_MS,
    check: async () => {
      build = await h.services.builds.get(buildId);
      if (build.state === 'failed' || build.state === 'cancelled') throw new Error(`build ${buildId} ${build.state}: ${JSON.stringify(build.failure ?? null)}`);
      // Recorded as soon as they exist, so a release that fails still leaves no image behind.
      for (const tag of build.image?.tags ?? []) h.images.add(tag);
      if (build.image) h.images.add(`${build.image.repository}:cache-deps`);
      release = (await h.services.releases.list(name)).find((r) => r.trigger.buildId === buildId);
      if (release?.status === 'failed') throw new Error(`release ${name}#${release.number} failed: ${JSON.stringify(release.failure ?? null)}`);
      return release && ['current', 'superseded'].includes(release.status) ? release : undefined;
    },
    message: () => `build ${buildId} is ${build?.state ?? 'unread'}, its release ${release ? `#${release.number} ${release.status}` : 'not made yet'}`,
  });
  const { runningAt, servedAt } = await served;
  build = await h.services.builds.get(buildId);
  const currentAt = Date.parse(released.finishedAt ?? new Date().toISOString());
  const at = (t: number) => t - start;
  return {
    total: at(Math.max(currentAt, servedAt)),
    running: at(runningAt),
    steps: [
      ['git push', at(pushedAt)],
      ['webhook 202', at(acceptedAt)],
      ['built+pushed', at(Date.parse(build.finishedAt!))],
      ['new pod running', at(runningAt)],
      ['serving', at(servedAt)],
      [`release ${released.number} current`, at(currentAt)],
    ],
  };
}

async function slipwayRound(h: Harness, tag: string): Promise<Record<Phase, Measurement>> {
  const app = await createSlipwayApp(h, tag);
  const cold = await slipwayPush(h, { ...app, files: { 'package.json': freshPackageJson(`slipway ${tag}`), 'server.js': serverJs(`cold ${tag}`) }, marker: `cold ${tag}` });
  const warm = await slipwayPush(h, { ...app, files: { 'server.js': serverJs(`warm ${tag}`) }, marker: `warm ${tag}` });
  return { cold, warm };
}

// ---- by hand

/** The Deployment and Service a user writes: one replica, a readiness probe, the node's placement, the pull secret. */
function byHandManifests(params: { name: string; namespace: string; image: string; port: number; config: Config }): string {
  const { name, namespace, image, port } = params;
  const labels = { [APP_LABEL]: name };
  const { nodeSelector, tolerations } = params.config.podPlacement;
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              nodeSelector,
              tolerations,
              imagePullSecrets: [{ name: PULL_SECRET }],
              containers: [
                {
                  name,
                  image,
                  ports: [{ name: 'http', containerPort: port }],
                  // The probe Slipway gives an app that names no readiness path: same timing on both sides.
                  readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 5, failureThreshold: 3 },
                },
              ],
            },
          },
        },
      },
      { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, labels }, spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
    ],
  });
}

/**
 * One push by hand. The first (`firstDeploy`) also makes the namespace and its pull secret, at
 * deploy time as Slipway's deploy worker does: a pod created moments after its namespace tends to
 * wait a whole readiness period more on this kubelet (see the header), so where the namespace is
 * made must not differ between the sides.
 */
async function byHandPush(h: Harness, params: { name: string; dir: string; version: number; firstDeploy: boolean; marker: string; port: number }): Promise<Measurement> {
  const { name, dir } = params;
  const namespace = name;
  const image = `${h.config.registry.host}/${name}:v${params.version}`;
  const old = await podNames({ kc: h.kc, namespace, selector: `${APP_LABEL}=${name}` });
  const start = Date.now();
  const served = serving({ kc: h.kc, namespace, service: name, selector: `${APP_LABEL}=${name}`, marker: params.marker, old, timeoutMs: PUSH_TO_READY_TIMEOUT_MS });
  served.catch(() => undefined);
  await h.docker.build({ tags: [image], context: dir, noCache: params.firstDeploy });
  const builtAt = Date.now();
  await h.docker.push(image);
  const pushedAt = Date.now();
  if (params.firstDeploy) {
    h.namespaces.add(namespace);
    await kubectlOk(['create', 'namespace', namespace], { timeoutMs: 30_000 });
    await createPullSecret({ namespace, name: PULL_SECRET, registry: h.config.registry });
  }
  const namespacedAt = Date.now();
  await kubectlOk(['apply', '-f', '-'], { timeoutMs: 60_000, input: byHandManifests({ name, namespace, image, port: params.port, config: h.config }) });
  const appliedAt = Date.now();
  await kubectlOk(['rollout', 'status', `deployment/${name}`, '-n', namespace, `--timeout=${PUSH_TO_READY_TIMEOUT_MS / 1000}s`], { timeoutMs: PUSH_TO_READY_TIMEOUT_MS + 30_000 });
  const rolledOutAt = Date.now();
  const { runningAt, servedAt } = await served;
  const at = (t: number) => t - start;
  return {
    total: at(Math.max(rolledOutAt, servedAt)),
    running: at(runningAt),
    steps: [
      [`docker build${params.firstDeploy ? ' --no-cache' : ''}`, at(builtAt)],
      ['docker push', at(pushedAt)],
      ...(params.firstDeploy ? [['kubectl create namespace + secret', at(namespacedAt)] as [string, number]] : []),
      ['kubectl apply', at(appliedAt)],
      ['new pod running', at(runningAt)],
      ['serving', at(servedAt)],
      ['rollout status', at(rolledOutAt)],
    ],
  };
}

async function byHandRound(h: Harness, tag: string): Promise<Record<Phase, Measurement>> {
  const port = PORT;
  const name = `bench-p6-hand-${tag}`;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-p6-hand-'));
  h.dirs.push(dir);
  await cp(FIXTURE_DIR, dir, { recursive: true });
  await writeFile(path.join(dir, 'package.json'), freshPackageJson(`by hand ${tag}`));
  // The Dockerfile Slipway generates for this app, written into the checkout as a user would keep it.
  const builder = loadBuilders().find((b) => b.name === 'nodejs');
  if (!builder) throw new Error('no nodejs builder in builders/');
  const files = await readdir(dir);
  const { text } = await generateDockerfile({ builder, input: checkoutReader({ repo: await RepoFiles.open({ root: dir, limit: h.config.repoFileLimit }), contextDir: '.', files }), images: h.config.builderImages, port });
  await writeFile(path.join(dir, 'Dockerfile'), text);
  await writeFile(path.join(dir, 'server.js'), serverJs(`cold ${tag}`));
  const cold = await byHandPush(h, { name, dir, version: 1, firstDeploy: true, marker: `cold ${tag}`, port });
  await writeFile(path.join(dir, 'server.js'), serverJs(`warm ${tag}`));
  const warm = await byHandPush(h, { name, dir, version: 2, firstDeploy: false, marker: `warm ${tag}`, port });
  return { cold, warm };
}

// ---- run

async function close(h: Harness): Promise<void> {
  killKubectls();
  for (const w of h.workers) await w.close();
  await h.api.close();
  await h.services.buildQueue.obliterate({ force: true }).catch(() => undefined);
  await h.services.deployQueue.obliterate({ force: true }).catch(() => undefined);
  const keys = await h.services.redis.keys(`${h.config.prefix}:*`);
  if (keys.length) await h.services.redis.del(...keys);
  for (const image of h.images) await h.services.docker.getImage(image).remove({ force: true }).catch(() => undefined);
  await h.services.close();
  await deleteNamespaces(h.kc, h.namespaces);
  await h.docker.close();
  for (const repo of h.repos) await repo.cleanup();
  for (const dir of [...h.dirs, h.config.workDir]) await rm(dir, { recursive: true, force: true });
}

const line = (side: Side, phase: Phase, m: Measurement) =>
  `${side.padEnd(8)} ${phase}  ${seconds(m.total).padStart(8)}   ${m.steps.map(([what, t]) => `${what} +${seconds(t)}`).join(', ')}`;

async function main(): Promise<void> {
  const rounds = positiveInteger(process.argv[2], 3, 'rounds');
  if (!process.env.KUBECONFIG) throw new Error('KUBECONFIG is not set: run with bash bench/run.sh (it sources ~/.cache/slipway/state/env.sh)');
  const kc = loadKubeConfig(process.env.KUBECONFIG);
  const node = await realNode(kc);
  const run = randomUUID().slice(0, 8);
  const config = loadConfig({
    ...process.env,
    SLIPWAY_API_TOKEN: TOKEN,
    SLIPWAY_PREFIX: `bench-p6-${run}`,
    SLIPWAY_LOG_LEVEL: 'silent',
    SLIPWAY_WORK_DIR: path.join(os.tmpdir(), `bench-p6-${run}`),
    ...node.placement,
  });
  const services = openServices(config);
  const logger = createLogger({ name: 'bench-push-to-ready', level: 'error' });
  const h: Harness = {
    config,
    services,
    api: await buildApp(services, { logger: false }),
    workers: [createBuildWorker({ services, logger }), createDeployWorker({ services, kc, logger })],
    kc,
    docker: await openDockerCli(config.registry, config.buildNetwork),
    namespaces: new Set(),
    repos: [],
    dirs: [],
    images: new Set(),
  };
  for (const w of h.workers) void w.run();
  let closing: Promise<void> | undefined;
  const shutdown = () => (closing ??= close(h));
  process.once('SIGINT', () => void shutdown().finally(() => process.exit(130)));

  try {
    console.log(
      `push-to-ready on the real node ${node.name}: ${rounds} round(s); each side per round: cold (first build and rollout of a fresh app: new name, image repository ` +
        `and namespace, a package.json never built before; by hand also docker build --no-cache and kubectl create namespace + secret), ` +
        'then warm (a source-only change to server.js, caches hot). ' +
        'Done = the tool says done (slipway: release current; by hand: kubectl rollout status) and the service proxy answers 2xx with the pushed marker, every live pod Ready.',
    );
    const results: Record<Side, Record<Phase, Measurement[]>> = { slipway: { cold: [], warm: [] }, 'by hand': { cold: [], warm: [] } };
    for (let round = 1; round <= rounds; round++) {
      const tag = `${run}-${round}`;
      const order: Side[] = round % 2 === 1 ? ['slipway', 'by hand'] : ['by hand', 'slipway'];
      for (const side of order) {
        const r = side === 'slipway' ? await slipwayRound(h, tag) : await byHandRound(h, tag);
        for (const phase of ['cold', 'warm'] as const) {
          results[side][phase].push(r[phase]);
          console.log(`round ${round} ${line(side, phase, r[phase])}`);
        }
      }
    }
    console.log(`\npush-to-ready, median of ${rounds} round(s)                 slipway    by hand   ratio (slipway / by hand)`);
    for (const phase of ['cold', 'warm'] as const) {
      for (const [what, pick] of [
        ['push → ready and serving (done)', (m: Measurement) => m.total],
        ['push → new pod running', (m: Measurement) => m.running],
      ] as const) {
        const a = median(results.slipway[phase].map(pick));
        const b = median(results['by hand'][phase].map(pick));
        console.log(`  ${`${phase}: ${what}`.padEnd(48)}${seconds(a).padStart(9)}  ${seconds(b).padStart(9)}   ${(a / b).toFixed(2)}`);
      }
    }
  } finally {
    await shutdown();
  }
}

await main();
