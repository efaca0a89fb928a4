// Benchmark: what a burst of pushes costs. Bursts of signed GitHub push webhooks (each a
// distinct commit, sent in commit order) go to a real Slipway API on 127.0.0.1 with a real
// in-process build worker (concurrency 2), which builds the dockerfile-server fixture on the
// local dockerd and pushes it to the local registry. Slipway queues builds serial-latest-only
// (src/queue/build-queueing.ts): per app + branch only the newest queued build survives.
// The baseline, measured in the same run on the same worker, records and enqueues one build
// per push with BuildStore.create + enqueueBuild, bypassing queueBuild: no coalescing.
//
// Reported per burst: pushes answered 202, builds run (reached succeeded or failed), builds
// cancelled as superseded, whether each app's newest sha was built, and the time from the
// first push to "quiet" (every build of the burst in a final state, read from the records'
// finishedAt). The run fails if a sha is built twice or an app's newest sha is not built.
//
// Commits are made before any measurement (publishFixture + repo.commit, ~0.1 s each), so the
// 1,000-push burst costs about two minutes of preparation. Bounded: every wait has a deadline;
// queues, Redis keys, fixture repos and the images built are removed at the end.
//
//   bash bench/run.sh burst-coalescing [burst-sizes=10,100,1000] [app-counts=1,5]
import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.js';
import { createBuildWorker } from '../src/builds/build-worker.js';
import { imageTags } from '../src/builds/run-build.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { enqueueBuild } from '../src/queue/build-queue.js';
import { openServices, type Services } from '../src/services/services.js';
import { FINAL_BUILD_STATES, type Build } from '../src/store/types.js';
import { publishFixture, type PublishedRepo } from '../test/helpers/git-fixture.js';
import { pushPayload, signedDelivery } from '../test/helpers/github.js';
import { waitFor } from '../test/helpers/wait.js';
import { recordBuild } from '../test/helpers/builds.js';

const TOKEN = 'bench-token-0123456789abcdef';
const FIXTURE = 'dockerfile-server';
const CONCURRENCY = 2;
const BASELINE_PUSHES = 10;
const SUPERSEDED = 'superseded by build';
// The fixture's own server.js; every benchmark commit appends a line to it, so each build
// does the work a real code change causes (COPY + RUN miss the cache), not a cached no-op.
const SERVER_JS = new URL(`../test/fixtures/apps/${FIXTURE}/server.js`, import.meta.url);

// Deadlines. They bound a hung run; none is the expected duration.
const PUSH_TIMEOUT_MS = 10_000;
const PREPARE_DEADLINE_MS = 8 * 60_000;
const WARMUP_DEADLINE_MS = 5 * 60_000;
/** A build taking this many times the warm-up build is stuck, not slow. */
const STUCK_FACTOR = 6;
const MIN_BUILD_ALLOWANCE_MS = 30_000;
const WORKER_CLOSE_MS = 60_000;

interface Harness {
  services: Services;
  api: FastifyInstance;
  url: string;
  worker: Worker;
  /** Every fixture repo and app this run created, removed at the end. */
  repos: PublishedRepo[];
  apps: string[];
}

/** One app with its fixture repo and the commits prepared for its pushes, oldest first. */
interface Target {
  name: string;
  secret: string;
  repo: PublishedRepo;
  shas: string[];
}

type Kind = 'slipway' | 'baseline';

interface BurstResult {
  kind: Kind;
  apps: number;
  pushes: number;
  /** Pushes answered 202 with a build id (the baseline enqueues directly: every push counts). */
  received: number;
  sendMs: number;
  run: number;
  failed: number;
  superseded: number;
  /** Cancelled for another reason than a newer push (none expected: running builds are not cancelled). */
  otherCancelled: number;
  newestBuilt: number;
  duplicates: string[];
  quietMs: number;
  meanBuildMs: number;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const isFinal = (b: Build) => FINAL_BUILD_STATES.includes(b.state);
const ran = (b: Build) => b.state === 'succeeded' || b.state === 'failed';
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function positiveIntegers(raw: string | undefined, fallback: number[], what: string): number[] {
  if (raw === undefined) return fallback;
  const values = raw.split(',').map((s) => Number(s.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1)) throw new Error(`${what} must be a comma-separated list of positive integers, got "${raw}"`);
  return values;
}

async function withDeadline<T>(params: { work: Promise<T>; timeoutMs: number; message: string }): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${params.timeoutMs} ms: ${params.message}`)), params.timeoutMs);
  });
  try {
    return await Promise.race([params.work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A fresh app on a fresh fixture repo, with `commits` commits made (and pushed to the git daemon) ahead of its burst. */
async function newTarget(h: Harness, params: { commits: number; serverJs: string }): Promise<Target> {
  const repo = await publishFixture(FIXTURE);
  h.repos.push(repo);
  const name = `bc-${randomUUID().slice(0, 8)}`;
  const res = await h.api.inject({
    method: 'POST',
    url: '/apps',
    headers: { authorization: `Bearer ${TOKEN}` },
    payload: { name, repo: repo.url, branch: repo.branch, deploy: { autoDeploy: false } },
  });
  if (res.statusCode !== 201) throw new Error(`creating app ${name} answered ${res.statusCode}: ${res.body}`);
  h.apps.push(name);
  const shas: string[] = [];
  // The app's name in the line: no two repos share a commit's content, so no build reuses another's cached layers.
  for (let i = 1; i <= params.commits; i++) shas.push(await repo.commit({ 'server.js': `${params.serverJs}// ${name}: burst commit ${i}\n` }, `burst commit ${i}`));
  return { name, secret: (res.json() as { webhook: { secret: string } }).webhook.secret, repo, shas };
}

/** Commit order per app, the apps taken in turn: one stream of deliveries, as one sender would make it. */
function interleave(targets: Target[]): Array<{ target: Target; sha: string }> {
  const order: Array<{ target: Target; sha: string }> = [];
  const longest = Math.max(...targets.map((t) => t.shas.length));
  for (let i = 0; i < longest; i++) for (const target of targets) if (i < target.shas.length) order.push({ target, sha: target.shas[i]! });
  return order;
}

/** Polls the build records until every build of every target is final; a stuck build ends the wait with its state. */
async function waitQuiet(h: Harness, params: { targets: Target[]; timeoutMs: number; what: string }): Promise<Map<string, Build[]>> {
  const last = new Map<string, Build[]>();
  return waitFor({
    timeoutMs: params.timeoutMs,
    // The time to quiet comes from the records' finishedAt, so the poll only needs to notice it.
    intervalMs: 250,
    check: async () => {
      for (const t of params.targets) {
        const builds = await h.services.builds.listForApp(t.name, t.shas.length + 1);
        if (builds.length > t.shas.length) throw new Error(`${params.what}: app ${t.name} has ${builds.length} builds for ${t.shas.length} pushes`);
        last.set(t.name, builds);
      }
      return params.targets.every((t) => last.get(t.name)!.length === t.shas.length && last.get(t.name)!.every(isFinal)) ? last : undefined;
    },
    message: () =>
      `${params.what} never went quiet: ` +
      params.targets
        .map((t) => {
          const builds = last.get(t.name) ?? [];
          const states = new Map<string, number>();
          for (const b of builds) states.set(b.state, (states.get(b.state) ?? 0) + 1);
          const open = builds.filter((b) => !isFinal(b)).map((b) => `${b.id} ${b.state} (${b.sha.slice(0, 7)})`);
          return `${t.name}: ${builds.length}/${t.shas.length} builds recorded, ${[...states].map(([s, n]) => `${n} ${s}`).join(', ')}${open.length ? `; not final: ${open.slice(0, 5).join(', ')}` : ''}`;
        })
        .join('; '),
  });
}

function summarise(params: { kind: Kind; targets: Target[]; builds: Map<string, Build[]>; startedAt: number; received: number; sendMs: number }): BurstResult {
  const all = params.targets.flatMap((t) => params.builds.get(t.name)!);
  const run = all.filter(ran);
  const duplicates: string[] = [];
  let newestBuilt = 0;
  for (const t of params.targets) {
    const shas = params.builds.get(t.name)!.filter(ran).map((b) => b.sha);
    duplicates.push(...shas.filter((sha, i) => shas.indexOf(sha) !== i).map((sha) => `${t.name}@${sha.slice(0, 7)}`));
    if (shas.includes(t.shas.at(-1)!)) newestBuilt++;
  }
  const finished = all.map((b) => {
    if (!b.finishedAt) throw new Error(`build ${b.id} is ${b.state} but has no finishedAt`);
    return Date.parse(b.finishedAt);
  });
  const durations = run.map((b) => Date.parse(b.finishedAt!) - Date.parse(b.startedAt ?? b.finishedAt!));
  const cancelled = all.filter((b) => b.state === 'cancelled');
  const superseded = cancelled.filter((b) => b.cancellation?.reason.startsWith(SUPERSEDED)).length;
  return {
    kind: params.kind,
    apps: params.targets.length,
    pushes: params.targets.reduce((n, t) => n + t.shas.length, 0),
    received: params.received,
    sendMs: params.sendMs,
    run: run.length,
    failed: run.filter((b) => b.state === 'failed').length,
    superseded,
    otherCancelled: cancelled.length - superseded,
    newestBuilt,
    duplicates,
    quietMs: Math.max(...finished) - params.startedAt,
    meanBuildMs: durations.length ? durations.reduce((a, b) => a + b, 0) / durations.length : 0,
  };
}

async function push(h: Harness, params: { target: Target; sha: string }): Promise<{ status: number; buildId?: string; body: string }> {
  const { target, sha } = params;
  const d = signedDelivery({ secret: target.secret, event: 'push', payload: pushPayload({ ref: `refs/heads/${target.repo.branch}`, sha, cloneUrl: target.repo.url }) });
  const res = await fetch(`${h.url}/hooks/github/${target.name}`, { method: 'POST', headers: d.headers, body: d.body, signal: AbortSignal.timeout(PUSH_TIMEOUT_MS) }).catch((error: unknown) => {
    throw new Error(`push of ${sha.slice(0, 7)} to ${target.name} got no answer: ${error instanceof Error ? error.message : String(error)}`);
  });
  const body = await res.text();
  let buildId: string | undefined;
  try {
    buildId = (JSON.parse(body) as { buildId?: string }).buildId;
  } catch {
    // Not JSON: reported with the status below.
  }
  return { status: res.status, buildId, body };
}

/** Slipway: every push is a signed webhook over HTTP; the API queues it with queueBuild (coalescing). */
async function slipwayBurst(h: Harness, params: { targets: Target[]; timeoutMs: number }): Promise<BurstResult> {
  const order = interleave(params.targets);
  const startedAt = Date.now();
  let received = 0;
  for (const delivery of order) {
    const answer = await push(h, delivery);
    if (answer.status !== 202 || !answer.buildId) {
      throw new Error(`push ${received + 1}/${order.length} (${delivery.sha.slice(0, 7)} to ${delivery.target.name}) answered ${answer.status} ${answer.body}: expected 202 with a build id`);
    }
    received++;
  }
  const sendMs = Date.now() - startedAt;
  const builds = await waitQuiet(h, { targets: params.targets, timeoutMs: params.timeoutMs, what: `slipway burst of ${order.length} pushes to ${plural(params.targets.length, 'app')}` });
  return summarise({ kind: 'slipway', targets: params.targets, builds, startedAt, received, sendMs });
}

/** Baseline: the same pushes, each recorded and enqueued as a build of its own, bypassing queueBuild. */
async function baselineBurst(h: Harness, params: { target: Target; timeoutMs: number }): Promise<BurstResult> {
  const { target } = params;
  const app = await h.services.apps.get(target.name);
  const startedAt = Date.now();
  for (const sha of target.shas) {
    const build = await recordBuild(h.services.builds, { app, ref: `refs/heads/${target.repo.branch}`, sha, trigger: { kind: 'webhook', provider: 'github', deliveryId: randomUUID() } });
    // Its own build, not the branch's one queued build: the slot the record step took is given up.
    await h.services.redis.del(h.services.keys.queuedBuild(app.name, target.repo.branch));
    await enqueueBuild(h.services.buildQueue, build);
  }
  const sendMs = Date.now() - startedAt;
  const builds = await waitQuiet(h, { targets: [target], timeoutMs: params.timeoutMs, what: `baseline burst of ${target.shas.length} pushes` });
  return summarise({ kind: 'baseline', targets: [target], builds, startedAt, received: target.shas.length, sendMs });
}

function describe(r: BurstResult): string {
  const label = `${r.kind.padEnd(8)} ${plural(r.apps, 'app').padEnd(6)} ${String(r.pushes).padStart(5)} pushes:`;
  const intake = r.kind === 'slipway' ? `${r.received}/${r.pushes} answered 202 in ${seconds(r.sendMs)}` : `${r.received} builds recorded + enqueued in ${seconds(r.sendMs)}`;
  const cancelled = `${r.superseded} cancelled as superseded${r.otherCancelled ? `, ${r.otherCancelled} cancelled otherwise` : ''}`;
  return (
    `${label} ${intake}; ${plural(r.run, 'build')} run (${r.failed} failed, mean ${seconds(r.meanBuildMs)}), ${cancelled}; ` +
    `newest sha built: ${r.newestBuilt === r.apps ? 'yes' : 'NO'}${r.apps > 1 ? ` (${r.newestBuilt}/${r.apps} apps)` : ''}; ` +
    `no sha built twice: ${r.duplicates.length ? `NO (${r.duplicates.join(', ')})` : 'ok'}; ` +
    `quiet ${seconds(r.quietMs)} after the first push; builds/pushes ${(r.run / r.pushes).toFixed(3)}`
  );
}

/** The serial-latest-only promise: each app's newest sha built, none built twice. */
function check(r: BurstResult): void {
  if (r.duplicates.length) throw new Error(`${r.kind} burst of ${r.pushes} pushes built a sha twice: ${r.duplicates.join(', ')}`);
  if (r.newestBuilt !== r.apps) throw new Error(`${r.kind} burst of ${r.pushes} pushes: the newest sha was built for only ${r.newestBuilt} of ${r.apps} apps`);
}

async function bounded(params: { work: Promise<unknown>; timeoutMs: number; what: string }): Promise<void> {
  try {
    await withDeadline({ work: params.work, timeoutMs: params.timeoutMs, message: params.what });
  } catch (error) {
    console.error(`warning: cleanup: ${params.what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function close(h: Harness, workDir: string): Promise<void> {
  // A build still running (a failed run) gets its time to finish, then is left behind.
  await bounded({ work: h.worker.close(), timeoutMs: WORKER_CLOSE_MS, what: 'closing the build worker' });
  await bounded({ work: h.api.close(), timeoutMs: 10_000, what: 'closing the API' });
  // Every image a build made carries the build's two tags; removing both removes the image.
  await bounded({
    timeoutMs: 120_000,
    what: 'removing built images',
    work: (async () => {
      for (const app of h.apps) {
        for (const b of await h.services.builds.listForApp(app, 5000)) {
          if (!b.startedAt) continue;
          for (const tag of imageTags({ registry: h.services.config.registry.host, app, sha: b.sha, number: b.number }).tags) {
            await h.services.docker.getImage(tag).remove({ force: true }).catch(() => undefined);
          }
        }
      }
    })(),
  });
  await bounded({ work: h.services.buildQueue.obliterate({ force: true }), timeoutMs: 30_000, what: 'obliterating the build queue' });
  await bounded({ work: h.services.deployQueue.obliterate({ force: true }), timeoutMs: 30_000, what: 'obliterating the deploy queue' });
  await bounded({
    timeoutMs: 30_000,
    what: `deleting Redis keys ${h.services.config.prefix}:*`,
    work: (async () => {
      const keys = await h.services.redis.keys(`${h.services.config.prefix}:*`);
      for (let i = 0; i < keys.length; i += 1000) await h.services.redis.del(...keys.slice(i, i + 1000));
    })(),
  });
  await bounded({ work: h.services.close(), timeoutMs: 10_000, what: 'closing Redis connections' });
  await bounded({ work: Promise.all(h.repos.map((r) => r.cleanup())), timeoutMs: 60_000, what: 'removing fixture repos' });
  await bounded({ work: rm(workDir, { recursive: true, force: true }), timeoutMs: 30_000, what: 'removing the build work dir' });
}

async function main(): Promise<void> {
  const sizes = positiveIntegers(process.argv[2], [10, 100, 1000], 'burst-sizes');
  const appCounts = positiveIntegers(process.argv[3], [1, 5], 'app-counts');
  for (const name of ['SLIPWAY_REDIS_URL', 'DOCKER_HOST', 'SLIPWAY_REGISTRY', 'SLIPWAY_GIT_ROOT', 'SLIPWAY_GIT_URL']) {
    if (!process.env[name]) throw new Error(`${name} is not set: run with bash bench/run.sh (it sources ~/.cache/slipway/state/env.sh)`);
  }
  const id = randomUUID().slice(0, 8);
  const workDir = path.join(os.tmpdir(), `slipway-bench-bc-${id}`);
  const config = loadConfig({
    ...process.env,
    SLIPWAY_API_TOKEN: TOKEN,
    SLIPWAY_PREFIX: `bench-bc-${id}`,
    SLIPWAY_LOG_LEVEL: 'silent',
    // A burst of 1,000 pushes to one app is the point here: the webhook rate limit must not cut it.
    SLIPWAY_RATE_LIMIT_WEBHOOKS: '1000000',
    SLIPWAY_BUILD_CONCURRENCY: String(CONCURRENCY),
    SLIPWAY_WORK_DIR: workDir,
  });
  const services = openServices(config);
  const api = await buildApp(services, { logger: false });
  const url = await api.listen({ host: '127.0.0.1', port: 0 });
  // `error`: a failed build is counted and reported by the benchmark, not logged line by line.
  const worker = createBuildWorker({ services, logger: createLogger({ name: 'bench-build-worker', level: 'error' }) });
  const h: Harness = { services, api, url, worker, repos: [], apps: [] };
  void worker.run();
  let closing: Promise<void> | undefined;
  const shutdown = () => (closing ??= close(h, workDir));
  process.once('SIGINT', () => void shutdown().finally(() => process.exit(130)));

  try {
    const serverJs = await readFile(SERVER_JS, 'utf8');
    const runs = appCounts.flatMap((apps) => sizes.map((pushes) => ({ apps, pushes })));
    for (const r of runs) if (r.pushes < r.apps) throw new Error(`a burst of ${r.pushes} pushes cannot be spread over ${r.apps} apps`);
    const commits = BASELINE_PUSHES + runs.reduce((n, r) => n + r.pushes, 0);
    console.log(
      `burst-coalescing: preparing ${commits} commits (${sizes.join(', ')} pushes to ${appCounts.map((n) => plural(n, 'app')).join(' and to ')}, baseline ${BASELINE_PUSHES}), not measured`,
    );
    const prepared = Date.now();
    const [warmup, baseline, ...bursts] = await withDeadline({
      timeoutMs: PREPARE_DEADLINE_MS,
      message: `preparing ${commits} fixture commits`,
      work: Promise.all([
        newTarget(h, { commits: 0, serverJs }).then((t) => ({ ...t, shas: [t.repo.sha] })),
        newTarget(h, { commits: BASELINE_PUSHES, serverJs }),
        ...runs.map(async (r) => ({
          ...r,
          targets: await Promise.all(Array.from({ length: r.apps }, (_, i) => newTarget(h, { commits: Math.floor(r.pushes / r.apps) + (i < r.pushes % r.apps ? 1 : 0), serverJs }))),
        })),
      ]),
    });
    console.log(`prepared ${commits} commits in ${h.repos.length} fixture repos in ${seconds(Date.now() - prepared)}`);

    // One build first, so neither side pays for a cold dockerd cache; it also sets the stuck-build allowance.
    const warm = await slipwayBurst(h, { targets: [warmup], timeoutMs: WARMUP_DEADLINE_MS });
    if (warm.failed) throw new Error(`the warm-up build of ${warmup.name} failed: ${JSON.stringify((await h.services.builds.listForApp(warmup.name))[0]?.failure)}`);
    console.log(`warm-up: 1 build in ${seconds(warm.meanBuildMs)}`);
    const allowance = Math.max(MIN_BUILD_ALLOWANCE_MS, STUCK_FACTOR * warm.meanBuildMs);
    // Generous: up to 20 builds one after another (coalescing runs a handful), plus the sends themselves.
    const deadline = (pushes: number) => Math.min(pushes, 20) * allowance + pushes * 200;

    const results: BurstResult[] = [];
    const record = (r: BurstResult) => {
      results.push(r);
      console.log(describe(r));
      check(r);
    };
    record(await baselineBurst(h, { target: baseline, timeoutMs: deadline(BASELINE_PUSHES) }));
    for (const b of bursts) record(await slipwayBurst(h, { targets: b.targets, timeoutMs: deadline(b.pushes) }));

    const base = results[0]!;
    const table = (cells: string[]) => console.log(`  ${cells[0]!.padEnd(32)}${cells.slice(1).map((c, i) => c.padStart([7, 6, 12, 12, 14, 15, 15][i]!)).join('')}`);
    console.log(`\nburst-coalescing (${FIXTURE} fixture, in-process build worker, concurrency ${CONCURRENCY}, loopback)`);
    table(['run', 'pushes', '202s', 'builds run', 'superseded', 'newest built', 'time to quiet', 'builds/pushes']);
    for (const r of results) {
      table([
        r.kind === 'baseline' ? `baseline, no coalescing, ${plural(r.apps, 'app')}` : `slipway, ${plural(r.apps, 'app')}`,
        String(r.pushes),
        r.kind === 'baseline' ? '-' : String(r.received),
        String(r.run),
        String(r.superseded),
        `${r.newestBuilt}/${r.apps}`,
        seconds(r.quietMs),
        (r.run / r.pushes).toFixed(3),
      ]);
    }

    console.log(`\nratio slipway time to quiet / baseline time to quiet`);
    console.log(
      `  baseline measured on ${BASELINE_PUSHES} pushes to 1 app: ${base.run} builds, mean build ${seconds(base.meanBuildMs)}, ` +
        `time to quiet ${seconds(base.quietMs)} (${seconds(base.quietMs / base.run)} per build: builds of one branch run one at a time, a waiting one retries the branch lock every 1 s)`,
    );
    for (const r of results.slice(1)) {
      const measured = r.apps === 1 && r.pushes === BASELINE_PUSHES;
      // Builds of one app run one after another; builds of different apps use both worker slots.
      const parallel = Math.min(r.apps, CONCURRENCY);
      const baseMs = measured ? base.quietMs : (r.pushes * base.meanBuildMs) / parallel;
      const how = measured
        ? 'measured'
        : `ESTIMATE, not measured: the baseline would run ${r.pushes} builds (one per push); ${r.pushes} x mean build ${seconds(base.meanBuildMs)}${parallel > 1 ? ` / ${parallel} worker slots` : ''}`;
      console.log(
        `  ${`${r.pushes} pushes, ${plural(r.apps, 'app')}`.padEnd(20)} ${seconds(r.quietMs)} / ${measured ? '' : '~'}${seconds(baseMs)} (${how}) = ${(r.quietMs / baseMs).toFixed(3)}`,
      );
    }
    if (results.slice(1).some((r) => r.apps !== 1 || r.pushes !== BASELINE_PUSHES)) {
      console.log(
        `  The estimates count build time only, not the gaps between one branch's builds that the measured baseline shows ` +
          `(${seconds(base.quietMs / base.run)} per build against a mean build of ${seconds(base.meanBuildMs)}): they understate the baseline, so their ratios flatter it.`,
      );
    }
  } finally {
    await shutdown();
  }
}

await main();
