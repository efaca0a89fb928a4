import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { openServices, type Services } from '../../src/services/services.js';
import { judge, waitForQuiet, type Answer, type Judgement, type Push, type Target } from './chaos-judge.js';
import { deleteNamespace, testKubeConfig } from './cluster.js';
import { auth } from './config.js';
import { publishFixture } from './git-fixture.js';
import { pushPayload, signedDelivery } from './github.js';
import { startSlipwayCluster, type SlipwayCluster } from './slipway-cluster.js';

// issue 17, the chaos run (shared by test/e2e/chaos.test.ts and bench/chaos.ts): a Slipway
// install as real processes (slipway-cluster.ts) gets a burst of signed GitHub pushes over
// real HTTP, spread over its API processes, while a killer SIGKILLs a random Slipway process
// every few seconds (and starts it again) and SIGKILLs Redis once. Then the killing stops,
// the install is left to settle, and what it says is checked against what was pushed.
// Apps deploy to the kwok nodes of the test cluster (no placement, no verification: the real
// node is tainted and kwok's pods cannot answer), as the other deploy e2e suites do.

const FIXTURE = 'dockerfile-server';
const SERVER_JS = new URL(`../fixtures/apps/${FIXTURE}/server.js`, import.meta.url);

// Deadlines. They bound a hung run; none is the expected duration.
const REQUEST_TIMEOUT_MS = 15_000;
const DELIVERY_DEADLINE_MS = 180_000;
const RETRY_PAUSE_MS = 250;
const MAX_RETRY_PAUSE_MS = 4_000;

export interface ChaosOptions {
  /** Processes of each kind: API, build worker, deploy worker. */
  replicas: number;
  apps?: number;
  commitsPerApp?: number;
  /** Spacing of the pushes (all apps together), so the burst lasts long enough to be shot at. */
  pushIntervalMs?: number;
  /** A Slipway process is killed every `killEveryMs[0]`..`[1]` ms while the pushes go out. */
  killEveryMs?: [number, number];
  /** Redis is SIGKILLed once, when this share of the pushes has been answered. */
  redisKillAt?: number;
  /** No killing at all: the same run as a baseline (bench/chaos.ts). */
  calm?: boolean;
  quietTimeoutMs?: number;
  /** Progress lines (what was killed when); the report comes back as the result. */
  log?: (line: string) => void;
}

export interface ChaosReport extends Judgement {
  replicas: number;
  apps: number;
  /** Pushes sent (each answered 202 in the end, after retries). */
  pushes: number;
  /** Pushes sent again (same delivery id) because the API they went to failed or died. */
  pushRetries: number;
  /** Why they were sent again: HTTP status and error code, or the connection error. */
  pushRetryReasons: Record<string, number>;
  /** From the last push answered to quiet (no build or release unsettled, no job left); -1: never quiet. */
  timeToQuietMs: number;
  kills: SlipwayCluster['kills'];
  logDir: string;
}


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the chaos run on a fresh install; stops it and removes everything it made, logs aside. */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const cluster = await startSlipwayCluster({ replicas: options.replicas });
  // The driver's own lines go beside the processes' logs too (what was killed when).
  const log = (line: string) => {
    appendFileSync(path.join(cluster.logDir, 'driver.log'), `${new Date().toISOString()} ${line}\n`);
    options.log?.(line);
  };
  const services = openServices(cluster.config);
  // Redis is killed on purpose: the driver's connections say so on every reconnect; not news.
  for (const emitter of [services.redis, services.buildQueue, services.deployQueue]) emitter.on('error', () => undefined);
  const targets: Target[] = [];
  let keepLogs = true;
  try {
    log(`install up: ${options.replicas} of each, logs in ${cluster.logDir}`);
    targets.push(...(await prepareApps({ cluster, count: options.apps ?? 10, commits: options.commitsPerApp ?? 30 })));
    log(`${targets.length} apps with ${targets[0]!.shas.length} commits each`);
    const report = await shoot({ cluster, services, targets, options, log });
    keepLogs = report.findings.length > 0;
    return report;
  } finally {
    await cleanup({ cluster, services, targets, keepLogs });
  }
}

async function prepareApps(params: { cluster: SlipwayCluster; count: number; commits: number }): Promise<Target[]> {
  const original = await readFile(SERVER_JS, 'utf8');
  const run = randomUUID().slice(0, 6);
  return Promise.all(
    Array.from({ length: params.count }, async (_, i) => {
      const repo = await publishFixture(FIXTURE);
      const name = `chaos-${run}-${i}`;
      const res = await fetch(`${params.cluster.apiUrls[0]}/apps`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ name, repo: repo.url, branch: repo.branch }),
      });
      if (res.status !== 201) throw new Error(`creating app ${name} failed: ${res.status} ${await res.text()}`);
      const { webhook } = (await res.json()) as { webhook: { secret: string } };
      // Each commit changes server.js, so each build makes an image of its own (COPY misses the cache).
      const shas: string[] = [];
      for (let c = 0; c < params.commits; c++) shas.push(await repo.commit({ 'server.js': `${original}\n// chaos commit ${c}\n` }, `commit ${c}`));
      return { name, secret: webhook.secret, repo, shas };
    }),
  );
}

/**
 * Sends one push until an API answers 202: on an error or a failed answer, the same delivery
 * again to the next API, after a pause that doubles (and after Retry-After on a 429).
 */
async function deliver(params: { cluster: SlipwayCluster; push: Push; first: number; onRetry: (reason: string) => void }): Promise<Answer> {
  const { cluster, push } = params;
  const deadline = Date.now() + DELIVERY_DEADLINE_MS;
  let pause = RETRY_PAUSE_MS;
  for (let attempt = 0; ; attempt++) {
    const url = cluster.apiUrls[(params.first + attempt) % cluster.apiUrls.length];
    let reason: string;
    let retryAfterMs = 0;
    try {
      const res = await fetch(`${url}/hooks/github/${push.app}`, { method: 'POST', headers: push.headers, body: push.body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      const text = await res.text();
      if (res.status === 202) return JSON.parse(text) as Answer;
      const code = /"code":"([A-Z_]+)"/.exec(text)?.[1];
      reason = `${res.status}${code ? ` ${code}` : ''}`;
      retryAfterMs = Number(res.headers.get('retry-after') ?? 0) * 1000;
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      reason = cause ?? (error as Error).name;
    }
    if (Date.now() > deadline) throw new Error(`push of ${push.sha.slice(0, 7)} to ${push.app} (delivery ${push.deliveryId}) was never accepted: ${reason}`);
    params.onRetry(reason);
    await sleep(Math.max(pause, retryAfterMs));
    pause = Math.min(pause * 2, MAX_RETRY_PAUSE_MS);
  }
}

async function shoot(params: { cluster: SlipwayCluster; services: Services; targets: Target[]; options: ChaosOptions; log: (line: string) => void }): Promise<ChaosReport> {
  const { cluster, services, targets, options, log } = params;
  const interval = options.pushIntervalMs ?? 100;
  const [killMin, killMax] = options.killEveryMs ?? [3000, 5000];
  const total = targets.reduce((n, t) => n + t.shas.length, 0);
  const answers = new Map<string, { push: Push; answer: Answer }>();
  const retryReasons: Record<string, number> = {};
  let sent = 0;
  let bursting = true;

  // The killer: a random Slipway process every few seconds, Redis once when the burst is half answered.
  const killer = (async () => {
    let redisKilled = false;
    let nextKill = Date.now() + killMin + Math.random() * (killMax - killMin);
    while (bursting && !options.calm) {
      if (!redisKilled && answers.size >= total * (options.redisKillAt ?? 0.5)) {
        redisKilled = true;
        log(`redis SIGKILLed after ${answers.size} answers`);
        await cluster.killRedis();
        log('redis back');
      } else if (Date.now() >= nextKill) {
        log(await cluster.killRandom());
        nextKill = Date.now() + killMin + Math.random() * (killMax - killMin);
      }
      await sleep(100);
    }
  })();

  // Per app in commit order (a push waits for the previous one of its app); apps interleaved.
  const started = Date.now();
  let lastAnswerAt = 0;
  try {
    await Promise.all(
      targets.map(async (target, a) => {
        for (const [c, sha] of target.shas.entries()) {
          const slot = c * targets.length + a;
          await sleep(Math.max(0, started + slot * interval - Date.now()));
          const d = signedDelivery({ secret: target.secret, event: 'push', payload: pushPayload({ ref: `refs/heads/${target.repo.branch}`, sha, cloneUrl: target.repo.url }) });
          const push: Push = { app: target.name, sha, deliveryId: d.headers['x-github-delivery'], headers: d.headers, body: d.body };
          const answer = await deliver({ cluster, push, first: sent++, onRetry: (reason) => (retryReasons[reason] = (retryReasons[reason] ?? 0) + 1) });
          answers.set(push.deliveryId, { push, answer });
          lastAnswerAt = Date.now();
        }
      }),
    );
  } finally {
    bursting = false;
    await killer;
  }
  const retries = Object.values(retryReasons).reduce((n, c) => n + c, 0);
  log(`${answers.size} pushes answered (${retries} sent again: ${JSON.stringify(retryReasons)}) in ${Date.now() - started} ms; waiting for quiet`);

  const quiet = await waitForQuiet({ services, apps: targets.map((t) => t.name), timeoutMs: options.quietTimeoutMs ?? 600_000 });
  const timeToQuietMs = quiet ? quiet - lastAnswerAt : -1;
  log(quiet ? `quiet ${timeToQuietMs} ms after the last push` : 'never quiet');
  const report = await judge({ services, targets, answers: [...answers.values()] });
  // Last, as GitHub may do any time: every delivery again. A redelivery must get the first answer's build back.
  report.redisLostWrites += await redeliverAll({ cluster, answers: [...answers.values()], findings: report.findings });
  return {
    replicas: options.replicas,
    apps: targets.length,
    pushes: answers.size,
    pushRetries: retries,
    pushRetryReasons: retryReasons,
    ...report,
    timeToQuietMs,
    kills: { ...cluster.kills },
    findings: [...report.findings, ...cluster.exits],
    logDir: cluster.logDir,
  };
}

/** Sends every delivery again once; returns how many got an answer naming another build than the first. */
async function redeliverAll(params: { cluster: SlipwayCluster; answers: Array<{ push: Push; answer: Answer }>; findings: string[] }): Promise<number> {
  let differ = 0;
  let n = 0;
  for (const { push, answer } of params.answers) {
    const again = await deliver({ cluster: params.cluster, push, first: n++, onRetry: () => undefined });
    if (again.buildId === answer.buildId && again.ignored) continue;
    differ++;
    params.findings.push(`redis: redelivery ${push.deliveryId} (${push.app} ${push.sha.slice(0, 7)}) first answered ${JSON.stringify(answer)}, now ${JSON.stringify(again)}`);
  }
  return differ;
}

async function cleanup(params: { cluster: SlipwayCluster; services: Services; targets: Target[]; keepLogs: boolean }): Promise<void> {
  const { cluster, services, targets } = params;
  // Every image a build made carries the build's two tags; removing both removes the image.
  const tags: string[] = [];
  for (const target of targets) {
    const builds = await services.builds.listForApp(target.name, 1000).catch(() => []);
    tags.push(...builds.flatMap((b) => b.image?.tags ?? []));
  }
  await services.close().catch(() => undefined);
  await cluster.stop({ keepLogs: params.keepLogs });
  for (const tag of tags) await services.docker.getImage(tag).remove({ force: true }).catch(() => undefined);
  const kc = testKubeConfig();
  for (const target of targets) {
    await deleteNamespace(kc, target.name);
    await target.repo.cleanup();
  }
}
