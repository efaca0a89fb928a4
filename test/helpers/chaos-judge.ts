import type { Services } from '../../src/services/services.js';
import { FINAL_BUILD_STATES, SETTLED_RELEASE_STATES, type Build } from '../../src/store/types.js';
import { liveTemplate, testKubeConfig } from './cluster.js';
import type { PublishedRepo } from './git-fixture.js';

// issue 17: how a chaos run (chaos-run.ts) is judged. Quiet is nothing left to do: no build or
// release unsettled, no job waiting or active. Then each pushed sha and each answer is checked
// against the records, and each app's newest sha against its current release and the cluster.

const LIVE_JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;
/** The log lines of a build run again because a crash cut it off (build-worker.ts, build-sweeper.ts). */
const REBUILT = '--> The worker building this was lost; building again';
const REQUEUED = '--> Queued again';
const QUIET_POLL_MS = 3_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Target {
  name: string;
  secret: string;
  repo: PublishedRepo;
  shas: string[];
}

/** One push as sent: what GitHub would resend under the same delivery id. */
export interface Push {
  app: string;
  sha: string;
  deliveryId: string;
  headers: Record<string, string>;
  body: string;
}

export interface Answer {
  buildId?: string;
  ignored?: boolean;
  reason?: string;
}

/** What the records say against what was pushed. */
export interface Judgement {
  /** Answered `duplicate delivery` with no build: the first attempt's claim outlived its build. */
  pushesDropped: number;
  /** Build records that reached cloning (and so building) at least once. */
  buildsRun: number;
  buildsSucceeded: number;
  buildsFailed: number;
  /** Builds run again after a crash cut them off, or queued again by the sweeper: the two below. */
  retriesForcedByCrashes: number;
  /** Builds taken over and run again after their worker died mid-build. */
  rebuiltAfterCrash: number;
  /** Builds queued again by the sweeper (their record said queued, but no job would run them). */
  requeuedBySweeper: number;
  /** Apps whose newest pushed sha has no succeeded build, or is not what their current release (and the cluster) runs. */
  lost: number;
  /** Succeeded builds beyond the first of one sha of one branch. */
  duplicated: number;
  /** Builds and releases not in a final state at the end. */
  stuck: number;
  /** Writes Redis lost on SIGKILL, seen from outside: a build id answered for one sha holding another, a redelivery answered differently. */
  redisLostWrites: number;
  /** Each problem found, in words: app, build, release, what the records say. */
  findings: string[];
}

interface Unsettled {
  builds: Build[];
  releases: Array<{ app: string; number: number; status: string }>;
  jobs: number;
}

async function unsettled(params: { services: Services; apps: string[] }): Promise<Unsettled> {
  const { services, apps } = params;
  const result: Unsettled = { builds: [], releases: [], jobs: 0 };
  for (const app of apps) {
    result.builds.push(...(await services.builds.listForApp(app, 1000)).filter((b) => !FINAL_BUILD_STATES.includes(b.state)));
    for (const r of await services.releases.list(app, 1000)) {
      if (!SETTLED_RELEASE_STATES.includes(r.status)) result.releases.push({ app, number: r.number, status: r.status });
    }
  }
  for (const queue of [services.buildQueue, services.deployQueue]) {
    const counts = await queue.getJobCounts(...LIVE_JOB_STATES);
    result.jobs += Object.values(counts).reduce((n, c) => n + c, 0);
  }
  return result;
}

/** When the install went quiet (nothing unsettled, twice in a row), or undefined at the deadline. */
export async function waitForQuiet(params: { services: Services; apps: string[]; timeoutMs: number }): Promise<number | undefined> {
  const deadline = Date.now() + params.timeoutMs;
  let quietSince: number | undefined;
  while (Date.now() < deadline) {
    const u = await unsettled(params);
    const isQuiet = u.builds.length === 0 && u.releases.length === 0 && u.jobs === 0;
    if (isQuiet && quietSince !== undefined) return quietSince;
    quietSince = isQuiet ? Date.now() : undefined;
    await sleep(QUIET_POLL_MS);
  }
  return undefined;
}

export async function judge(params: { services: Services; targets: Target[]; answers: Array<{ push: Push; answer: Answer }> }): Promise<Judgement> {
  const { services, targets, answers } = params;
  const j: Judgement = { pushesDropped: 0, buildsRun: 0, buildsSucceeded: 0, buildsFailed: 0, retriesForcedByCrashes: 0, rebuiltAfterCrash: 0, requeuedBySweeper: 0, lost: 0, duplicated: 0, stuck: 0, redisLostWrites: 0, findings: [] };
  const left = await unsettled({ services, apps: targets.map((t) => t.name) });
  j.stuck = left.builds.length + left.releases.length;
  for (const b of left.builds) j.findings.push(`stuck: build ${b.id} (${b.sha.slice(0, 7)}) is ${b.state}`);
  for (const r of left.releases) j.findings.push(`stuck: release ${r.app}#${r.number} is ${r.status}`);
  if (left.jobs) j.findings.push(`${left.jobs} jobs still waiting or active at the end`);

  for (const { push, answer } of answers) {
    if (answer.ignored && answer.reason === 'duplicate delivery' && !answer.buildId) {
      j.pushesDropped++;
      j.findings.push(`dropped: push ${push.sha.slice(0, 7)} to ${push.app} (delivery ${push.deliveryId}) answered "duplicate delivery" with no build`);
      continue;
    }
    if (!answer.buildId) continue;
    const build = await services.builds.find(answer.buildId);
    if (!build || build.sha !== push.sha) {
      j.redisLostWrites++;
      j.findings.push(`redis: push ${push.sha.slice(0, 7)} to ${push.app} was answered build ${answer.buildId}, which ${build ? `now builds ${build.sha.slice(0, 7)}` : 'no longer exists'}`);
    }
  }

  for (const target of targets) {
    const builds = await services.builds.listForApp(target.name, 1000);
    const bySha = new Map<string, Build[]>();
    for (const b of builds) {
      if (b.startedAt) j.buildsRun++;
      if (b.state === 'failed') {
        j.buildsFailed++;
        j.findings.push(`failed: build ${b.id} (${b.sha.slice(0, 7)}) at ${b.failure?.step}: ${b.failure?.code} ${b.failure?.reason}`);
      }
      if (b.state !== 'succeeded') continue;
      j.buildsSucceeded++;
      const key = `${b.ref} ${b.sha}`;
      bySha.set(key, [...(bySha.get(key) ?? []), b]);
      // The image's tag names the commit it was built from: a record holding another's image was overwritten.
      if (!b.image?.tags.some((t) => t.endsWith(`:${b.sha.slice(0, 7)}`))) {
        j.redisLostWrites++;
        j.findings.push(`redis: build ${b.id} records sha ${b.sha.slice(0, 7)} but its image is ${b.image?.tags.join(', ')}`);
      }
    }
    for (const b of builds.filter((x) => x.startedAt)) {
      const lines = (await services.logs.read(b.id)).map((e) => e.line);
      j.rebuiltAfterCrash += lines.filter((l) => l.startsWith(REBUILT)).length;
      j.requeuedBySweeper += lines.filter((l) => l.startsWith(REQUEUED)).length;
    }
    for (const [key, list] of bySha) {
      if (list.length < 2) continue;
      j.duplicated += list.length - 1;
      j.findings.push(`duplicated: ${target.name} ${key} built ${list.length} times: ${list.map((b) => `${b.id} (${b.trigger.deliveryId})`).join(', ')}`);
    }
    const newest = target.shas.at(-1)!;
    const why = await whyNotCurrent({ services, app: target.name, sha: newest, builds });
    if (why) {
      j.lost++;
      j.findings.push(`lost: ${target.name} newest sha ${newest.slice(0, 7)}: ${why}`);
    }
  }
  j.retriesForcedByCrashes = j.rebuiltAfterCrash + j.requeuedBySweeper;
  return j;
}

/** Why `sha` is not what the app's current release runs, or undefined when it is. */
async function whyNotCurrent(params: { services: Services; app: string; sha: string; builds: Build[] }): Promise<string | undefined> {
  const { services, app, sha, builds } = params;
  const mine = builds.filter((b) => b.sha === sha);
  const built = mine.find((b) => b.state === 'succeeded');
  if (!built) return mine.length ? `its builds ended ${mine.map((b) => `${b.id} ${b.state}`).join(', ')}` : 'no build was ever recorded';
  const current = await services.releases.current(app);
  if (!current) {
    const newest = (await services.releases.list(app, 1))[0];
    return `build ${built.id} succeeded, but the app has no current release (newest: ${newest ? `#${newest.number} ${newest.status} ${JSON.stringify(newest.trigger)}` : 'none'})`;
  }
  const runs = `release #${current.number} (${current.status}, trigger ${JSON.stringify(current.trigger)})`;
  if (current.status !== 'current') return `${runs} is the current pointer but says ${current.status}`;
  if (!current.image.endsWith(`@${built.image!.digest}`)) {
    const mineReleases = (await services.releases.list(app, 1000)).filter((r) => r.image.endsWith(`@${built.image!.digest}`));
    return `build ${built.id} succeeded, but ${runs} runs ${current.image}; releases of the build: ${mineReleases.map((r) => `#${r.number} ${r.status}`).join(', ') || 'none'}`;
  }
  // What the cluster runs must be what the store calls current (the desired and live state agree).
  const namespace = (await services.apps.get(app)).deploy.namespace;
  const live = await liveTemplate({ kc: testKubeConfig(), namespace, name: app }).catch((error: unknown) => String(error));
  const image = typeof live === 'string' ? live : live.spec?.containers[0]?.image;
  if (image !== current.image) return `${runs} is current in the store, but the Deployment in ${namespace} runs ${image}`;
  return undefined;
}
