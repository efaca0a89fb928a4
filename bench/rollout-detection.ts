// Benchmark: how soon a crash-looping release is noticed and undone. Slipway (real API, real
// Redis, an in-process deploy worker) deploys a good release, then one whose pods crash-loop;
// the baseline applies the SAME failing Deployment with kubectl and waits in
// `kubectl rollout status`, which judges a rollout only by the Deployment's conditions and
// replica counts, so it gives up when `spec.progressDeadlineSeconds` runs out, and never rolls back.
// A watch of our own on the release's pods (client-node, independent of Slipway's code) gives
// the moment the failure first became visible in the API, so Slipway's detection latency is
// measured against the earliest signal anyone could have acted on.
//
// Local control plane from test/env/k8s: kwok plays the kubelets, pods crash-loop because of
// the `slipway.test/behaviour: crash-loop` annotation (first crash ~2 s after start, kwok's
// default restart interval). Bounded: every wait has a deadline; namespaces, queues and keys
// are removed at the end.
//
//   bash bench/run.sh rollout-detection [slipway-rounds=3] [progress-deadline-seconds=60]
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { AppsV1Api, CoreV1Api, Watch, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.js';
import { loadConfig } from '../src/config.js';
import { createDeployWorker } from '../src/releases/deploy-worker.js';
import { loadKubeConfig } from '../src/services/kube-config.js';
import { LABELS } from '../src/releases/render/labels.js';
import type { Manifest } from '../src/releases/render/manifest.js';
import { createLogger } from '../src/logger.js';
import { openServices, type Services } from '../src/services/services.js';
import type { Release } from '../src/store/types.js';
import { waitFor } from '../test/helpers/wait.js';

const TOKEN = 'bench-token-0123456789abcdef';
const CRASH_LOOP = { 'slipway.test/behaviour': 'crash-loop' };
// What Kubernetes sets when a Deployment does not say (apps/v1 default of spec.progressDeadlineSeconds).
const K8S_DEFAULT_PROGRESS_DEADLINE_S = 600;
// Release 1 (always-ready pods) becomes current in well under a second on kwok; release 2 needs
// its first crash (~2 s) plus the rollback. Generous, but a hang still ends with a message.
const RELEASE_SETTLE_MS = 90_000;
const NAMESPACE_GONE_MS = 60_000;

interface Harness {
  services: Services;
  api: FastifyInstance;
  worker: Worker;
  kc: KubeConfig;
  /** Every namespace this run created (Slipway's apps and kubectl's), deleted at the end. */
  namespaces: Set<string>;
}

interface FailureSignal {
  at: number;
  pod: string;
  what: string;
}

interface SlipwayResult {
  app: string;
  startedAt: number;
  signal: FailureSignal;
  detectedAt: number;
  settledAt: number;
  reason: string;
  release1: Release;
  release2: Release;
}

interface KubectlResult {
  namespace: string;
  appliedAt: number;
  signal?: FailureSignal;
  exitedAt: number;
  exit: Exit;
  /** The Deployment's Progressing condition when kubectl exited. */
  progressing: string;
  /** Whether the live pod template still runs release 2's image: kubectl rolled nothing back. */
  stillFailingImage: boolean;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A digest that names no real image: kwok never pulls, and a digest is what Slipway deploys. */
const fakeImage = () => `127.0.0.1:5000/x@sha256:${randomBytes(32).toString('hex')}`;

/** The first failing container state of a pod, as the benchmark defines the "signal". */
function failingState(pod: V1Pod): string | undefined {
  for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    if (c.state?.waiting?.reason === 'CrashLoopBackOff') return `container ${c.name} waiting CrashLoopBackOff`;
    if (c.lastState?.terminated) return `container ${c.name} lastState terminated (exit ${c.lastState.terminated.exitCode})`;
    if (c.restartCount > 0) return `container ${c.name} restartCount ${c.restartCount}`;
  }
  return undefined;
}

/**
 * Watches pods matching `labelSelector` (list, then watch from the list's resourceVersion;
 * re-list when the watch ends) and resolves with the moment this process first sees one in a
 * failing state. `ready` resolves once the watch is open, so nothing applied after it is missed.
 */
function watchFirstFailure(params: { kc: KubeConfig; namespace: string; labelSelector: string; timeoutMs: number }): {
  ready: Promise<void>;
  signal: Promise<FailureSignal>;
  stop: () => void;
} {
  const { kc, namespace, labelSelector } = params;
  const core = kc.makeApiClient(CoreV1Api);
  let stopped = false;
  let controller: AbortController | undefined;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let timer: NodeJS.Timeout | undefined;
  let giveUp: (error: Error) => void = () => undefined;
  // Stopping settles everything still pending, so no caller can be left awaiting a stopped watch.
  const stop = (why = 'the watch was stopped before any pod failed') => {
    stopped = true;
    clearTimeout(timer);
    controller?.abort();
    markReady();
    giveUp(new Error(why));
  };
  const signal = new Promise<FailureSignal>((resolve, reject) => {
    giveUp = reject;
    timer = setTimeout(
      () => stop(`no pod matching ${labelSelector} in namespace ${namespace} showed a failing container state within ${params.timeoutMs} ms`),
      params.timeoutMs,
    );
    const seen = (pod: V1Pod): boolean => {
      const what = failingState(pod);
      if (!what || stopped) return false;
      // Resolve before stopping: stop() rejects whatever is still pending.
      resolve({ at: Date.now(), pod: pod.metadata?.name ?? '?', what });
      stop();
      return true;
    };
    const run = async () => {
      while (!stopped) {
        const list = await core.listNamespacedPod({ namespace, labelSelector });
        if (list.items.some(seen)) return;
        await new Promise<void>((resolveEnded) => {
          // Closes this watch's connection too when it ends on an ERROR event, not only on stop().
          const ended = () => {
            controller?.abort();
            resolveEnded();
          };
          new Watch(kc)
            .watch(
              `/api/v1/namespaces/${namespace}/pods`,
              { labelSelector, resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
              (phase: string, pod: V1Pod) => {
                // ERROR (410 Gone and the like) ends this watch; the loop lists again.
                if (phase === 'ERROR') return ended();
                if (phase === 'ADDED' || phase === 'MODIFIED') seen(pod);
              },
              () => ended(),
            )
            .then((c) => {
              controller = c;
              if (stopped) c.abort();
              markReady();
            }, ended);
        });
        // A watch the server closed at once must not turn into a hot loop of lists.
        if (!stopped) await new Promise((r) => setTimeout(r, 100));
      }
    };
    run().catch((error: unknown) => stop(`watching pods in ${namespace} failed: ${error instanceof Error ? error.message : String(error)}`));
  });
  // Handled here so a watch that ends unobserved (its round already failed) is no unhandled rejection.
  signal.catch(() => undefined);
  return { ready, signal, stop: () => stop() };
}

async function inject<T>(h: Harness, params: { method: 'GET' | 'POST'; url: string; payload?: object; expect: number }): Promise<T> {
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

/** One Slipway measurement on a fresh app: good release 1, then crash-looping release 2. */
async function slipwayRound(h: Harness): Promise<SlipwayResult> {
  const app = `rd-${randomUUID().slice(0, 8)}`;
  h.namespaces.add(app); // the app's default namespace is its name
  // Slipway's defaults otherwise (1 replica, maxRestarts 3, readiness deadline 120 s): what an app gets untuned.
  await inject(h, { method: 'POST', url: '/apps', payload: { name: app, repo: 'https://github.com/acme/shop.git' }, expect: 201 });

  const first = await inject<Release>(h, { method: 'POST', url: `/apps/${app}/releases`, payload: { image: fakeImage() }, expect: 202 });
  const release1 = await settled(h, { app, number: first.number });
  if (release1.status !== 'current') throw new Error(`release 1 of ${app} should have become current, it is ${release1.status}: ${release1.failure?.message}`);

  const watcher = watchFirstFailure({ kc: h.kc, namespace: app, labelSelector: `${LABELS.name}=${app},${LABELS.release}=2`, timeoutMs: RELEASE_SETTLE_MS });
  try {
    await watcher.ready;
    const second = await inject<Release>(h, {
      method: 'POST',
      url: `/apps/${app}/releases`,
      payload: { image: fakeImage(), deploy: { podAnnotations: CRASH_LOOP } },
      expect: 202,
    });
    if (second.number !== 2) throw new Error(`expected release 2 of ${app}, got ${second.number}`);
    const release2 = await settled(h, { app, number: 2 });
    if (release2.status !== 'failed' || !release2.failure || !release2.rolledBackTo || !release2.startedAt) {
      throw new Error(`release 2 of ${app} should have failed and been rolled back; it is ${release2.status}: ${JSON.stringify(release2.failure ?? null)}`);
    }
    if (!release2.rolledBackTo.ready || release2.rolledBackTo.number !== 1) {
      throw new Error(`release 2 of ${app} was not rolled back to a ready release 1: ${JSON.stringify(release2.rolledBackTo)}`);
    }
    // Slipway decided from a pod state, so our watch (same API server, same process) saw one too;
    // a short grace covers the two watch connections delivering the same event a moment apart.
    const signal = await Promise.race([
      watcher.signal,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`Slipway failed release 2 of ${app} (${release2.failure?.reason}) but no release-2 pod showed a failing state within 5 s`)), 5000).unref(),
      ),
    ]);
    return {
      app,
      startedAt: Date.parse(release2.startedAt),
      signal,
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

// Running kubectl processes, killed on shutdown so an interrupted run leaves none waiting behind it.
const children = new Set<ChildProcess>();

async function kubectl(args: string[], options: { timeoutMs: number; input?: string }): Promise<Exit> {
  const bin = process.env.SLIPWAY_K8S_BIN;
  if (!bin) throw new Error('SLIPWAY_K8S_BIN is not set: run with bash bench/run.sh (it sources ~/.cache/slipway/state/env.sh)');
  return new Promise((resolve, reject) => {
    // `timeout` kills a kubectl that outlives its own --timeout, so no wait here is unbounded.
    const child = spawn(path.join(bin, 'kubectl'), args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: options.timeoutMs, killSignal: 'SIGKILL' });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, stdout: stdout.trim(), stderr: stderr.trim() });
    });
    child.stdin.end(options.input ?? '');
  });
}

async function kubectlOk(args: string[], options: { timeoutMs: number; input?: string }): Promise<Exit> {
  const exit = await kubectl(args, options);
  if (exit.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${exit.code ?? exit.signal}: ${exit.stderr || exit.stdout}`);
  return exit;
}

function deploymentOf(release: Release): Manifest {
  const found = release.manifests.find((m) => m.kind === 'Deployment');
  if (!found) throw new Error(`release ${release.app}#${release.number} has no Deployment manifest`);
  return found as Manifest;
}

/**
 * The baseline on the same objects: release 1's then release 2's rendered Deployment, moved to
 * a namespace of its own, applied with kubectl; `kubectl rollout status` waits on release 2.
 */
async function kubectlRound(h: Harness, params: { release1: Release; release2: Release; deadlineSeconds: number }): Promise<KubectlResult> {
  const namespace = `rd-kubectl-${randomUUID().slice(0, 8)}`;
  const name = deploymentOf(params.release2).metadata.name;
  // The deadline goes on both specs so the only difference between them is what the release changed.
  const adapt = (m: Manifest): Manifest => ({
    ...m,
    metadata: { ...m.metadata, namespace },
    spec: { ...(m.spec as object), progressDeadlineSeconds: params.deadlineSeconds },
  });
  h.namespaces.add(namespace);
  await kubectlOk(['create', 'namespace', namespace], { timeoutMs: 30_000 });
  await kubectlOk(['apply', '-f', '-'], { timeoutMs: 30_000, input: JSON.stringify(adapt(deploymentOf(params.release1))) });
  await kubectlOk(['rollout', 'status', `deployment/${name}`, '-n', namespace, '--timeout=60s'], { timeoutMs: 90_000 });

  const rolloutTimeoutS = params.deadlineSeconds + 60;
  const watcher = watchFirstFailure({ kc: h.kc, namespace, labelSelector: `${LABELS.name}=${name},${LABELS.release}=2`, timeoutMs: (rolloutTimeoutS + 90) * 1000 });
  try {
    await watcher.ready;
    const appliedAt = Date.now();
    await kubectlOk(['apply', '-f', '-'], { timeoutMs: 30_000, input: JSON.stringify(adapt(deploymentOf(params.release2))) });
    const exit = await kubectl(['rollout', 'status', `deployment/${name}`, '-n', namespace, `--timeout=${rolloutTimeoutS}s`], { timeoutMs: (rolloutTimeoutS + 30) * 1000 });
    const exitedAt = Date.now();
    const live = await h.kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace, name });
    const condition = live.status?.conditions?.find((c) => c.type === 'Progressing');
    const image = live.spec?.template.spec?.containers[0]?.image;
    // The crash shows ~2 s after the apply, long before kubectl exits; if it has not, report no signal.
    watcher.stop();
    const signal = await watcher.signal.catch(() => undefined);
    return {
      namespace,
      appliedAt,
      signal,
      exitedAt,
      exit,
      progressing: condition ? `${condition.status}/${condition.reason}` : 'absent',
      stillFailingImage: image === params.release2.image,
    };
  } finally {
    watcher.stop();
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const ms = (x: number) => `${Math.round(x)} ms`;

function positiveInteger(raw: string | undefined, fallback: number, what: string): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${what} must be a positive integer, got "${raw}"`);
  return value;
}

async function deleteNamespaces(h: Harness): Promise<void> {
  const core = h.kc.makeApiClient(CoreV1Api);
  const names = [...h.namespaces];
  await Promise.all(names.map((name) => core.deleteNamespace({ name }).catch(() => undefined)));
  // Waiting lets the next run start from an empty cluster; a namespace that lingers is reported, not fatal.
  await waitFor({
    timeoutMs: NAMESPACE_GONE_MS,
    intervalMs: 250,
    check: async () => {
      const left = await Promise.all(names.map((name) => core.readNamespace({ name }).then(() => name, () => undefined)));
      return left.every((n) => n === undefined) ? true : undefined;
    },
    message: () => `namespaces ${names.join(', ')} were not all deleted`,
  }).catch((error: unknown) => console.error(`warning: ${error instanceof Error ? error.message : String(error)}`));
}

async function close(h: Harness): Promise<void> {
  for (const child of children) child.kill('SIGKILL');
  await h.worker.close();
  await h.api.close();
  await h.services.deployQueue.obliterate({ force: true }).catch(() => undefined);
  await h.services.buildQueue.obliterate({ force: true }).catch(() => undefined);
  const keys = await h.services.redis.keys(`${h.services.config.prefix}:*`);
  if (keys.length) await h.services.redis.del(...keys);
  await h.services.close();
  await deleteNamespaces(h);
}

async function main(): Promise<void> {
  const rounds = positiveInteger(process.argv[2], 3, 'slipway-rounds');
  const deadlineSeconds = positiveInteger(process.argv[3], 60, 'progress-deadline-seconds');
  if (!process.env.KUBECONFIG) throw new Error('KUBECONFIG is not set: run with bash bench/run.sh (it sources ~/.cache/slipway/state/env.sh)');

  const config = loadConfig({ ...process.env, SLIPWAY_API_TOKEN: TOKEN, SLIPWAY_PREFIX: `bench-rd-${randomUUID().slice(0, 8)}`, SLIPWAY_LOG_LEVEL: 'silent' });
  const services = openServices(config);
  const kc = loadKubeConfig(process.env.KUBECONFIG);
  // `error`: each round's "rollout failed" warning is the expected outcome, not news.
  const worker = createDeployWorker({ services, kc, logger: createLogger({ name: 'bench-deploy-worker', level: 'error' }) });
  const h: Harness = { services, api: await buildApp(services, { logger: false }), worker, kc, namespaces: new Set() };
  void worker.run();
  let closing: Promise<void> | undefined;
  const shutdown = () => (closing ??= close(h));
  process.once('SIGINT', () => void shutdown().finally(() => process.exit(130)));

  try {
    console.log(`rollout-detection: ${rounds} Slipway round(s), then 1 kubectl round (progressDeadlineSeconds=${deadlineSeconds}, about ${deadlineSeconds + 10} s)`);
    const slipway: SlipwayResult[] = [];
    for (let i = 0; i < rounds; i++) {
      const r = await slipwayRound(h);
      slipway.push(r);
      console.log(
        `slipway round ${i + 1} (${r.app}): first failing pod signal +${ms(r.signal.at - r.startedAt)} (${r.signal.what}), ` +
          `rollback decision +${ms(r.detectedAt - r.startedAt)} (${r.reason}, ${ms(r.detectedAt - r.signal.at)} after the signal), ` +
          `release 1 ready again +${ms(r.settledAt - r.startedAt)}`,
      );
    }

    const k = await kubectlRound(h, { release1: slipway[0]!.release1, release2: slipway[0]!.release2, deadlineSeconds });
    const gaveUpMs = k.exitedAt - k.appliedAt;
    const said = (k.exit.stderr || k.exit.stdout).split('\n').at(-1) ?? '';
    console.log(
      `kubectl round 1 (${k.namespace}): first failing pod signal ${k.signal ? `+${ms(k.signal.at - k.appliedAt)} (${k.signal.what})` : 'not seen'}, ` +
        `rollout status exited ${k.exit.code ?? k.exit.signal} after ${ms(gaveUpMs)}: "${said}"; ` +
        `Progressing=${k.progressing}; live template ${k.stillFailingImage ? 'still runs the failing release (no rollback)' : 'no longer runs the failing release'}`,
    );
    if (k.exit.code === 0) throw new Error('kubectl rollout status reported the crash-looping rollout as successful');
    if (!/exceeded its progress deadline/.test(said)) console.log(`  note: kubectl did not exit on ProgressDeadlineExceeded but on "${said}"`);

    const signalToDecision = median(slipway.map((r) => r.detectedAt - r.signal.at));
    const appliedToDecision = median(slipway.map((r) => r.detectedAt - r.startedAt));
    const appliedToReady = median(slipway.map((r) => r.settledAt - r.startedAt));
    // Only the deadline changes with the default; the rest of kubectl's time (apply, controller sync) stays.
    const atDefaultMs = gaveUpMs + (K8S_DEFAULT_PROGRESS_DEADLINE_S - deadlineSeconds) * 1000;
    const row = (label: string, value: string) => console.log(`  ${label.padEnd(56)}${value}`);
    console.log(`\nrollout-detection (crash-looping release, local control plane + kwok)`);
    row('slipway: first failing pod signal → rollback decision', `median ${ms(signalToDecision)}`);
    row('slipway: release applied → rollback decision', `median ${ms(appliedToDecision)}`);
    row('slipway: release applied → previous release ready again', `median ${ms(appliedToReady)}`);
    row(`kubectl rollout status (progressDeadlineSeconds=${deadlineSeconds})`, `gave up after ${ms(gaveUpMs)}, no rollback`);
    row('kubectl: release applied → previous release ready again', 'never (manual: kubectl rollout undo)');
    row(
      'ratio kubectl give-up / slipway decision',
      `${(gaveUpMs / appliedToDecision).toFixed(1)}  (with Kubernetes' default ${K8S_DEFAULT_PROGRESS_DEADLINE_S} s deadline: ~${Math.round(atDefaultMs / appliedToDecision)})`,
    );
    console.log(
      `  A Deployment that sets no progressDeadlineSeconds gets ${K8S_DEFAULT_PROGRESS_DEADLINE_S} s, and kubectl rollout status waits that long; ` +
        `this run set ${deadlineSeconds} s to stay bounded (the ~ figure swaps in ${K8S_DEFAULT_PROGRESS_DEADLINE_S} s, the rest of kubectl's time unchanged). ` +
        `The crash was visible to a pod watch ${k.signal ? ms(k.signal.at - k.appliedAt) : '(not seen)'} after kubectl's apply.`,
    );
  } finally {
    await shutdown();
  }
}

await main();
