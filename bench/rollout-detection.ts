// Benchmark: how soon a crash-looping release is noticed and undone. Slipway (real API, real
// Redis, an in-process deploy worker) deploys a good release, then one whose process exits 1;
// the baseline applies the SAME failing Deployment with kubectl and waits in
// `kubectl rollout status`, which judges a rollout only by the Deployment's conditions and
// replica counts, so it gives up when `spec.progressDeadlineSeconds` runs out, and never rolls back.
// A watch of our own on the release's pods (client-node, independent of Slipway's code) gives
// the moments the failure became visible in the API: the container's first exit (the first
// failing signal), its first restart, and the crash loop proper (terminated again after a
// restart, or waiting in CrashLoopBackOff), so Slipway's detection latency is measured against
// the earliest signals anyone could have acted on.
//
// Default: the REAL node of the local cluster (test/env/node). Two small images are built from
// the local Node.js stand-in and pushed to the test registry: a server that listens (the good
// release, Ready through the kubelet's TCP probe) and a command that prints a line and exits 1
// (the bad one). Slipway places its pods there with the install placement
// (SLIPWAY_POD_NODE_SELECTOR / SLIPWAY_POD_TOLERATIONS from the env's SLIPWAY_REAL_NODE_*); the
// kubectl baseline's Deployment gets the same nodeSelector/tolerations and a pull secret. What is
// judged is what the real kubelet reports: `terminated` (reason Error, exit 1), restartCount,
// lastState, `CrashLoopBackOff` between its back-offs (10 s, 20 s, 40 s, ...).
// `--kwok`: the same measurement on kwok nodes, pods "crashing" by the
// `slipway.test/behaviour: crash-loop` annotation (no image, first crash ~2 s after start).
//
// Progressive rows (issue 18, real node only; bench/lib/progressive-rounds.ts): a bad canary
// (steps [50, 100], pause 0, 2 replicas) and a bad blue-green release, each release 2 the same
// image told by an env var to answer every page with 500. Independent probers ask the app's
// Services every ~100 ms through the API server's service proxy: for the canary, from the first
// 500 seen to the moment after which every answer came from release 1, and Slipway's decision
// (failure.detectedAt) against it; for blue-green, verification → decision, and the active
// Service never answering from release 2. Argo Rollouts' expectations are printed beside them.
//
// Bounded: every wait has a deadline; namespaces, queues, keys and local images are removed at
// the end. Each round is one Slipway app and one kubectl namespace (about 90 s on the real node
// with the 60 s deadline), plus two apps for the progressive rows.
//
//   bash bench/run.sh rollout-detection [rounds=3] [progress-deadline-seconds=60] [--kwok] [--only=crash-loop|progressive]
import { randomUUID } from 'node:crypto';
import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { createDeployWorker } from '../src/releases/deploy-worker.js';
import { loadKubeConfig } from '../src/services/kube-config.js';
import { LABELS } from '../src/releases/render/labels.js';
import type { Manifest } from '../src/releases/render/manifest.js';
import { withPlacement } from '../src/releases/render/placement.js';
import { withPullSecret } from '../src/releases/render/pull-secret.js';
import { createLogger } from '../src/logger.js';
import { openServices, type Services } from '../src/services/services.js';
import type { Release } from '../src/store/types.js';
import { waitFor } from '../test/helpers/wait.js';
import { kwokMode, realNodeMode, type Mode } from './lib/detection-modes.js';
import { createPullSecret, killKubectls, kubectl, kubectlOk, type Exit } from './lib/kubectl.js';
import { deleteNamespaces } from './lib/namespaces.js';
import { failingStage, STAGES, watchFailure, type FailureSignal, type Signals } from './lib/pod-failure-watch.js';
import { median, ms, positiveInteger } from './lib/numbers.js';
import { printBlueGreenRound, printCanaryRound, printProgressiveRows } from './lib/progressive-report.js';
import { blueGreenRound, canaryRound, type BlueGreenResult, type CanaryResult, type RoundDeps } from './lib/progressive-rounds.js';
import { realNode } from './lib/real-node.js';

const TOKEN = 'bench-token-0123456789abcdef';
// What Kubernetes sets when a Deployment does not say (apps/v1 default of spec.progressDeadlineSeconds).
const K8S_DEFAULT_PROGRESS_DEADLINE_S = 600;
// Release 1 becomes current in seconds (kwok: well under one); release 2 needs its first exit, the
// kubelet's restart and a second exit, plus the rollback. A hang still ends with a message.
const RELEASE_SETTLE_MS = 240_000;
/** After Slipway's decision, how long our own watch may lag behind it in seeing the same pod state. */
const WATCH_LAG_MS = 5_000;
/** The pull secret of the kubectl baseline's namespace (a user's `kubectl create secret docker-registry`). */
const BASELINE_PULL_SECRET = 'bench-registry';

interface Harness {
  config: Config;
  services: Services;
  api: FastifyInstance;
  worker: Worker;
  kc: KubeConfig;
  mode: Mode;
  /** Every namespace this run created (Slipway's apps and kubectl's), deleted at the end. */
  namespaces: Set<string>;
}

interface SlipwayResult {
  app: string;
  startedAt: number;
  signals: Signals;
  detectedAt: number;
  settledAt: number;
  reason: string;
  release1: Release;
  release2: Release;
}

interface KubectlResult {
  namespace: string;
  appliedAt: number;
  signals: Partial<Signals>;
  exitedAt: number;
  exit: Exit;
  /** The Deployment's Progressing condition when kubectl exited. */
  progressing: string;
  /** Whether the live pod template still runs release 2's image: kubectl rolled nothing back. */
  stillFailingImage: boolean;
  /** Release 2's pods when kubectl exited: restarts and state (the kubelet's back-off at work). */
  podsAtExit: string;
}

// ---- Slipway

async function inject<T>(h: Harness, params: { method: 'GET' | 'POST' | 'PUT'; url: string; payload?: object; expect: number }): Promise<T> {
  const res = await h.api.inject({ method: params.method, url: params.url, headers: { authorization: `Bearer ${TOKEN}` }, ...(params.payload ? { payload: params.payload } : {}) });
  if (res.statusCode !== params.expect) throw new Error(`${params.method} ${params.url} answered ${res.statusCode}, expected ${params.expect}: ${res.body}`);
  return res.json() as T;
}

async function settled(h: Harness, params: { app: string; number: number }): Promise<Release> {
  let last: Release | undefined;
  return waitFor({
    intervalMs: 100,
    timeoutMs: RELEASE_SETTLE_MS,
    check: async () => {
      last = await h.services.releases.get(params.app, params.number);
      return last.status === 'current' || last.status === 'failed' ? last : undefined;
    },
    message: () => `release ${params.app}#${params.number} is still ${last?.status ?? 'unread'}`,
  });
}

/** Our watch may see the pod state a moment after Slipway's own watch did: a bounded grace. */
function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(what)), WATCH_LAG_MS))),
  ]).finally(() => clearTimeout(timer));
}

/** One Slipway measurement on a fresh app: good release 1, then crash-looping release 2. */
async function slipwayRound(h: Harness): Promise<SlipwayResult> {
  const app = `bench-rd-${randomUUID().slice(0, 8)}`;
  h.namespaces.add(app); // the app's default namespace is its name
  // Slipway's defaults otherwise (1 replica, maxRestarts 3, readiness deadline 120 s): what an app gets untuned.
  await inject(h, { method: 'POST', url: '/apps', payload: { name: app, repo: 'https://github.com/acme/shop.git' }, expect: 201 });

  const first = await inject<Release>(h, { method: 'POST', url: `/apps/${app}/releases`, payload: h.mode.good(), expect: 202 });
  const release1 = await settled(h, { app, number: first.number });
  if (release1.status !== 'current') throw new Error(`release 1 of ${app} should have become current, it is ${release1.status}: ${JSON.stringify(release1.failure ?? null)}`);

  const watcher = watchFailure({ kc: h.kc, namespace: app, labelSelector: `${LABELS.name}=${app},${LABELS.release}=2`, timeoutMs: RELEASE_SETTLE_MS });
  try {
    await watcher.ready;
    const second = await inject<Release>(h, { method: 'POST', url: `/apps/${app}/releases`, payload: h.mode.bad(), expect: 202 });
    if (second.number !== 2) throw new Error(`expected release 2 of ${app}, got ${second.number}`);
    const release2 = await settled(h, { app, number: 2 });
    if (release2.status !== 'failed' || !release2.failure || !release2.rolledBackTo || !release2.startedAt) {
      throw new Error(`release 2 of ${app} should have failed and been rolled back; it is ${release2.status}: ${JSON.stringify(release2.failure ?? null)}`);
    }
    if (!['CrashLoopBackOff', 'RestartsExceeded'].includes(release2.failure.reason)) {
      throw new Error(`release 2 of ${app} failed, but not as a crash loop: ${release2.failure.reason}: ${release2.failure.message}`);
    }
    if (!release2.rolledBackTo.ready || release2.rolledBackTo.number !== 1) {
      throw new Error(`release 2 of ${app} was not rolled back to a ready release 1: ${JSON.stringify(release2.rolledBackTo)}`);
    }
    // Slipway decided from a crash-loop pod state, so our watch (same API server) saw one too.
    const loop = await within(watcher.signals.loop, `Slipway failed release 2 of ${app} (${release2.failure.reason}) but no release-2 pod showed a crash loop to our watch within ${WATCH_LAG_MS} ms`);
    const signals = { exit: await watcher.signals.exit, restart: await watcher.signals.restart, loop };
    return {
      app,
      startedAt: Date.parse(release2.startedAt),
      signals,
      detectedAt: Date.parse(release2.failure.detectedAt),
      settledAt: Date.parse(release2.rolledBackTo.settledAt),
      reason: release2.failure.reason,
      release1,
      release2,
    };
  } finally {
    watcher.stop();
  }
}

// ---- kubectl

/**
 * The baseline on the same objects: release 1's then release 2's rendered manifests, moved to a
 * namespace of its own, applied with kubectl; `kubectl rollout status` waits on release 2. On the
 * real node the Deployment carries what Slipway adds at apply time: the install's nodeSelector and
 * tolerations, and a pull secret (created here with `kubectl create secret docker-registry`).
 */
async function kubectlRound(h: Harness, params: { release1: Release; release2: Release; deadlineSeconds: number }): Promise<KubectlResult> {
  const namespace = `bench-rd-kubectl-${randomUUID().slice(0, 8)}`;
  const name = deploymentOf(params.release2).metadata.name;
  // The deadline goes on both specs so the only difference between them is what the release changed.
  const adapt = (release: Release) => {
    let manifests = release.manifests.map((m): Manifest => ({ ...(m as Manifest), metadata: { ...(m as Manifest).metadata, namespace } }));
    if (!h.mode.kwok) manifests = withPullSecret(withPlacement(manifests, h.config.podPlacement), BASELINE_PULL_SECRET);
    const items = manifests.map((m) => (m.kind === 'Deployment' ? { ...m, spec: { ...(m.spec as object), progressDeadlineSeconds: params.deadlineSeconds } } : m));
    return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
  };
  h.namespaces.add(namespace);
  await kubectlOk(['create', 'namespace', namespace], { timeoutMs: 30_000 });
  if (!h.mode.kwok) await createPullSecret({ namespace, name: BASELINE_PULL_SECRET, registry: h.config.registry });
  await kubectlOk(['apply', '-f', '-'], { timeoutMs: 30_000, input: adapt(params.release1) });
  await kubectlOk(['rollout', 'status', `deployment/${name}`, '-n', namespace, '--timeout=120s'], { timeoutMs: 150_000 });

  const rolloutTimeoutS = params.deadlineSeconds + 60;
  const watcher = watchFailure({ kc: h.kc, namespace, labelSelector: `${LABELS.name}=${name},${LABELS.release}=2`, timeoutMs: (rolloutTimeoutS + 90) * 1000 });
  try {
    await watcher.ready;
    const appliedAt = Date.now();
    await kubectlOk(['apply', '-f', '-'], { timeoutMs: 30_000, input: adapt(params.release2) });
    const exit = await kubectl(['rollout', 'status', `deployment/${name}`, '-n', namespace, `--timeout=${rolloutTimeoutS}s`], { timeoutMs: (rolloutTimeoutS + 30) * 1000 });
    const exitedAt = Date.now();
    const live = await h.kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace, name });
    const condition = live.status?.conditions?.find((c) => c.type === 'Progressing');
    const image = live.spec?.template.spec?.containers[0]?.image;
    const pods = await h.kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector: `${LABELS.name}=${name},${LABELS.release}=2` });
    const podsAtExit = pods.items.map((p) => failingStage(p)?.what ?? `${p.metadata?.name} ${p.status?.phase}`).join('; ') || 'none';
    // The crash shows long before kubectl exits; whatever our watch has not seen by now is reported as not seen.
    watcher.stop();
    const signals: Partial<Signals> = {};
    for (const stage of STAGES) {
      const signal = await watcher.signals[stage].catch(() => undefined);
      if (signal) signals[stage] = signal;
    }
    return {
      namespace,
      appliedAt,
      signals,
      exitedAt,
      exit,
      progressing: condition ? `${condition.status}/${condition.reason}` : 'absent',
      stillFailingImage: image === params.release2.image,
      podsAtExit,
    };
  } finally {
    watcher.stop();
  }
}

function deploymentOf(release: Release): Manifest {
  const found = release.manifests.find((m) => m.kind === 'Deployment');
  if (!found) throw new Error(`release ${release.app}#${release.number} has no Deployment manifest`);
  return found as Manifest;
}

// ---- run

async function close(h: Harness): Promise<void> {
  killKubectls();
  await h.worker.close();
  await h.api.close();
  await h.services.deployQueue.obliterate({ force: true }).catch(() => undefined);
  await h.services.buildQueue.obliterate({ force: true }).catch(() => undefined);
  const keys = await h.services.redis.keys(`${h.services.config.prefix}:*`);
  if (keys.length) await h.services.redis.del(...keys);
  await h.services.close();
  await deleteNamespaces(h.kc, h.namespaces);
  await h.mode.close();
}

type Only = 'crash-loop' | 'progressive';

function parseArgs(argv: string[]): { rounds: number; deadlineSeconds: number; kwok: boolean; only?: Only } {
  const usage = 'usage: rollout-detection [rounds=3] [progress-deadline-seconds=60] [--kwok] [--only=crash-loop|progressive]';
  const flags = argv.filter((a) => a.startsWith('--'));
  const unknown = flags.filter((f) => f !== '--kwok' && f !== '--only=crash-loop' && f !== '--only=progressive');
  if (unknown.length) throw new Error(`unknown option ${unknown.join(', ')}: ${usage}`);
  const only = flags.find((f) => f.startsWith('--only='))?.slice('--only='.length) as Only | undefined;
  const kwok = flags.includes('--kwok');
  if (kwok && only === 'progressive') throw new Error(`the progressive rows need the real node (kwok pods answer no request): ${usage}`);
  const positional = argv.filter((a) => !a.startsWith('--'));
  return {
    rounds: positiveInteger(positional[0], 3, 'rounds'),
    deadlineSeconds: positiveInteger(positional[1], 60, 'progress-deadline-seconds'),
    kwok,
    ...(only ? { only } : {}),
  };
}

const at = (s: FailureSignal | undefined, from: number) => (s ? `+${ms(s.at - from)} (${s.what})` : 'not seen');

function printCrashLoopRows(params: { slipway: SlipwayResult[]; baseline: KubectlResult[]; deadlineSeconds: number; where: string }): void {
  const { slipway, baseline, deadlineSeconds } = params;
  const exitToDecision = median(slipway.map((r) => r.detectedAt - r.signals.exit.at));
  const exitToRestart = median(slipway.map((r) => r.signals.restart.at - r.signals.exit.at));
  const loopToDecision = median(slipway.map((r) => r.detectedAt - r.signals.loop.at));
  const appliedToDecision = median(slipway.map((r) => r.detectedAt - r.startedAt));
  const appliedToReady = median(slipway.map((r) => r.settledAt - r.startedAt));
  const gaveUpMs = median(baseline.map((k) => k.exitedAt - k.appliedAt));
  // Only the deadline changes with the default; the rest of kubectl's time (apply, controller sync) stays.
  const atDefaultMs = gaveUpMs + (K8S_DEFAULT_PROGRESS_DEADLINE_S - deadlineSeconds) * 1000;
  const row = (label: string, value: string) => console.log(`  ${label.padEnd(80)}${value}`);
  console.log(`\nrollout-detection, median of ${slipway.length} round(s) (crash-looping release; ${params.where})`);
  row('slipway: first failing signal (first container exit) → rollback decision', ms(exitToDecision));
  row('  of which: first exit → kubelet restarted the container', ms(exitToRestart));
  row('slipway: crash loop seen (exit after a restart / CrashLoopBackOff) → decision', ms(loopToDecision));
  row('slipway: release applied → rollback decision', ms(appliedToDecision));
  row('slipway: release applied → previous release ready again', ms(appliedToReady));
  row(`kubectl rollout status (progressDeadlineSeconds=${deadlineSeconds}): applied → gave up`, `${ms(gaveUpMs)}, no rollback`);
  row('kubectl: release applied → previous release ready again', 'never (manual: kubectl rollout undo)');
  row(
    'ratio kubectl give-up / slipway decision (both from the apply)',
    `${(gaveUpMs / appliedToDecision).toFixed(1)}  (with Kubernetes' default ${K8S_DEFAULT_PROGRESS_DEADLINE_S} s deadline: ~${Math.round(atDefaultMs / appliedToDecision)})`,
  );
  console.log(
    '  Slipway does not judge a first exit (restartCount 0): it fails the release when the container is terminated again after a restart, ' +
      'or waits in CrashLoopBackOff, or has restarted maxRestarts (3) times. ' +
      `A Deployment that sets no progressDeadlineSeconds gets ${K8S_DEFAULT_PROGRESS_DEADLINE_S} s, and kubectl rollout status waits that long; ` +
      `this run set ${deadlineSeconds} s to stay bounded (the ~ figure swaps in ${K8S_DEFAULT_PROGRESS_DEADLINE_S} s, the rest of kubectl's time unchanged).`,
  );
}

async function main(): Promise<void> {
  const { rounds, deadlineSeconds, kwok, only } = parseArgs(process.argv.slice(2));
  if (!process.env.KUBECONFIG) throw new Error('KUBECONFIG is not set: run with bash bench/run.sh (it sources ~/.cache/slipway/state/env.sh)');
  const run = randomUUID().slice(0, 8);
  const kc = loadKubeConfig(process.env.KUBECONFIG);
  const node = kwok ? undefined : await realNode(kc);
  // kwok's pods are simulated and answer no request: Slipway's release verification (on by default) is off there.
  const install = node ? node.placement : { SLIPWAY_VERIFY_RELEASES: 'false' };
  const config = loadConfig({ ...process.env, SLIPWAY_API_TOKEN: TOKEN, SLIPWAY_PREFIX: `bench-rd-${run}`, SLIPWAY_LOG_LEVEL: 'silent', ...install });
  const mode = node ? await realNodeMode({ config, run, node }) : kwokMode();
  const services = openServices(config);
  // `error`: each round's "rollout failed" warning is the expected outcome, not news.
  const worker = createDeployWorker({ services, kc, logger: createLogger({ name: 'bench-deploy-worker', level: 'error' }) });
  const h: Harness = { config, services, api: await buildApp(services, { logger: false }), worker, kc, mode, namespaces: new Set() };
  void worker.run();
  let closing: Promise<void> | undefined;
  const shutdown = () => (closing ??= close(h));
  process.once('SIGINT', () => void shutdown().finally(() => process.exit(130)));
  const crashLoop = only !== 'progressive';
  // The progressive rows need pods that answer: the real node only.
  const web = only !== 'crash-loop' ? mode.web : undefined;
  const progressive: RoundDeps | undefined = web
    ? { kc, image: web, namespaces: h.namespaces, request: (params) => inject(h, params), settled: (params) => settled(h, params) }
    : undefined;

  try {
    const what = [crashLoop ? `one Slipway app and one kubectl rollout (progressDeadlineSeconds=${deadlineSeconds})` : '', progressive ? 'a bad canary and a bad blue-green app' : '']
      .filter(Boolean)
      .join(', plus ');
    console.log(`rollout-detection on ${mode.where}: ${rounds} round(s), each ${what}`);
    if (!progressive) console.log('  (no progressive rows: they need the real node, and were not asked for)');
    const slipway: SlipwayResult[] = [];
    const baseline: KubectlResult[] = [];
    const canary: CanaryResult[] = [];
    const blueGreen: BlueGreenResult[] = [];
    for (let i = 1; i <= rounds; i++) {
      if (crashLoop) {
        const r = await slipwayRound(h);
        slipway.push(r);
        console.log(
          `round ${i} slipway (${r.app}), from release 2 applied: first exit ${at(r.signals.exit, r.startedAt)}; restarted ${at(r.signals.restart, r.startedAt)}; ` +
            `crash loop ${at(r.signals.loop, r.startedAt)}; rollback decision +${ms(r.detectedAt - r.startedAt)} (${r.reason}: ${ms(r.detectedAt - r.signals.exit.at)} after the first exit, ` +
            `${ms(r.detectedAt - r.signals.loop.at)} after the crash loop showed); release 1 ready again +${ms(r.settledAt - r.startedAt)}`,
        );
        const k = await kubectlRound(h, { release1: r.release1, release2: r.release2, deadlineSeconds });
        baseline.push(k);
        const said = (k.exit.stderr || k.exit.stdout).split('\n').at(-1) ?? '';
        console.log(
          `round ${i} kubectl (${k.namespace}), from apply: first exit ${at(k.signals.exit, k.appliedAt)}; restarted ${at(k.signals.restart, k.appliedAt)}; crash loop ${at(k.signals.loop, k.appliedAt)}; ` +
            `rollout status exited ${k.exit.code ?? k.exit.signal} after ${ms(k.exitedAt - k.appliedAt)}: "${said}"; Progressing=${k.progressing}; ` +
            `the failing pod by then: ${k.podsAtExit}; live template ${k.stillFailingImage ? 'still runs the failing release (no rollback)' : 'no longer runs the failing release'}`,
        );
        if (k.exit.code === 0) throw new Error('kubectl rollout status reported the crash-looping rollout as successful');
        if (!/exceeded its progress deadline/.test(said)) console.log(`  note: kubectl did not exit on ProgressDeadlineExceeded but on "${said}"`);
      }
      if (progressive) {
        const c = await canaryRound(progressive);
        canary.push(c);
        printCanaryRound(i, c);
        const b = await blueGreenRound(progressive);
        blueGreen.push(b);
        printBlueGreenRound(i, b);
      }
    }
    if (crashLoop) printCrashLoopRows({ slipway, baseline, deadlineSeconds, where: mode.where });
    if (progressive) printProgressiveRows({ canary, blueGreen });
  } finally {
    await shutdown();
  }
}

await main();
