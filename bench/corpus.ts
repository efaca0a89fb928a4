// The real-repo corpus (issue 16): every entry of test/corpus/repos.json — a public repo that
// OpenShift's S2I or Heroku builds, pinned by commit — built THROUGH Slipway and run as
// OpenShift runs it. For each entry:
//   1. its local mirror (<mirrors-dir>/<owner>+<name>, see bench/lib/corpus-mirrors.ts) is served
//      by the test env's git daemon;
//   2. an app is created through the API (repo, branch, context dir; the builder only when the
//      entry pins it, as `oc new-app --strategy=source`), and `POST /apps/:app/builds {sha}`
//      (`oc start-build --commit`) builds the pinned commit on the in-process build worker;
//   3. the image runs as an arbitrary uid with group 0 (`1000780000:0`, the restricted SCC) on the
//      build network, after its Procfile `release:` command if it has one, beside a database if
//      the entry names one, and is asked GET <path> (bench/lib/corpus-serve.ts);
//   4. a row: builder chosen, build time, image size, HTTP status, pass/fail and why.
// A corpus is a measurement: failures are printed and recorded, and the exit status is 0 unless
// the runner itself broke. Results: ~/.cache/slipway/state/corpus-<time>.json. One entry at a
// time (2 cores); builds may take long (Maven, Gradle), so the build wait is generous.
//
//   bash bench/run.sh corpus <mirrors-dir> [--only id,id] [--list repos.json] [--keep-images]
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildApp } from '../src/api/app.js';
import { createBuildWorker } from '../src/builds/build-worker.js';
import { resolveImage } from '../src/builds/builder-definition.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { openServices } from '../src/services/services.js';
import { FINAL_BUILD_STATES, type Build } from '../src/store/types.js';
import { waitFor } from '../test/helpers/wait.js';
import { parseCorpus, selectEntries, type CorpusEntry } from './lib/corpus-entries.js';
import { findMirror, hasCommit, headBranch, publishMirror } from './lib/corpus-mirrors.js';
import { serveImage, telling } from './lib/corpus-serve.js';
import { corpusRow, corpusTable, passRate, type CorpusRow } from './lib/corpus-table.js';

const TOKEN = 'bench-corpus-token-0123456789abcdef';
const LIST = new URL('../test/corpus/repos.json', import.meta.url);
const BUILD_TIMEOUT_MS = 45 * 60_000;

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const only = flag('--only');
// Another list of the same form (default test/corpus/repos.json), e.g. to try the runner on a repo of your own.
const listFile = flag('--list');
const keepImages = args.includes('--keep-images') ? (args.splice(args.indexOf('--keep-images'), 1), true) : false;
const mirrorsDir = args[0];
if (!mirrorsDir || args.length > 1) throw new Error('usage: bash bench/run.sh corpus <mirrors-dir> [--only id,id] [--list repos.json] [--keep-images]');
for (const name of ['SLIPWAY_GIT_ROOT', 'SLIPWAY_GIT_URL', 'SLIPWAY_STATE']) {
  if (!process.env[name]) throw new Error(`${name} is not set: run with bash bench/run.sh (it sources ~/.cache/slipway/state/env.sh)`);
}

const entries = selectEntries(parseCorpus(JSON.parse(await readFile(listFile ?? LIST, 'utf8'))), only);
const run = randomUUID().slice(0, 6);
const config = loadConfig({
  ...process.env,
  SLIPWAY_API_TOKEN: TOKEN,
  SLIPWAY_PREFIX: `bench-corpus-${run}`,
  SLIPWAY_LOG_LEVEL: 'silent',
  SLIPWAY_BUILD_CONCURRENCY: '1',
  SLIPWAY_WORK_DIR: path.join(os.tmpdir(), `bench-corpus-${run}`),
});
const services = openServices(config);
const logger = createLogger({ name: 'bench-corpus', level: 'error' });
const api = await buildApp(services, { logger: false });
const worker = createBuildWorker({ services, logger });
void worker.run();
const auth = { authorization: `Bearer ${TOKEN}` };
const probeImage = resolveImage('debian:bookworm-slim', config.builderImages);

async function buildEntry(entry: CorpusEntry, images: Set<string>): Promise<CorpusRow> {
  const gitDir = await findMirror(mirrorsDir!, entry.repo);
  const missing = (code: string, message: string) => corpusRow(entry, { buildState: 'not built', failure: { code, message }, logTail: [] });
  if (!gitDir) return missing('CORPUS_MIRROR_MISSING', `no mirror ${entry.repo.replace('/', '+')} in ${mirrorsDir}`);
  if (!(await hasCommit(gitDir, entry.ref))) return missing('CORPUS_MIRROR_STALE', `the mirror of ${entry.repo} has no commit ${entry.ref}`);
  const served = await publishMirror({ gitDir, repo: entry.repo, gitRoot: process.env.SLIPWAY_GIT_ROOT!, gitUrl: process.env.SLIPWAY_GIT_URL! });
  try {
    const name = `corpus-${entry.id}`.slice(0, 50).replace(/-+$/, '') + `-${randomUUID().slice(0, 4)}`;
    const payload = {
      name,
      repo: served.url,
      branch: await headBranch(gitDir),
      contextDir: entry.contextDir,
      ...(entry.pinBuilder ? { builder: entry.builder } : {}),
      deploy: { autoDeploy: false },
    };
    const created = await api.inject({ method: 'POST', url: '/apps', headers: auth, payload });
    if (created.statusCode !== 201) return missing('CORPUS_APP_REFUSED', `POST /apps: ${created.statusCode} ${created.body}`);
    const queued = await api.inject({ method: 'POST', url: `/apps/${name}/builds`, headers: auth, payload: { sha: entry.ref } });
    if (queued.statusCode !== 202) return missing('CORPUS_BUILD_REFUSED', `POST /apps/${name}/builds: ${queued.statusCode} ${queued.body}`);
    const buildId = (queued.json() as { id: string }).id;
    let build: Build | undefined;
    build = await waitFor({
      timeoutMs: BUILD_TIMEOUT_MS,
      intervalMs: 1000,
      check: async () => {
        build = await services.builds.get(buildId);
        return FINAL_BUILD_STATES.includes(build.state) ? build : undefined;
      },
      message: () => `build ${buildId} of ${entry.id} is still ${build?.state} after ${BUILD_TIMEOUT_MS / 60_000} min`,
    });
    const buildSeconds = build.startedAt && build.finishedAt ? (Date.parse(build.finishedAt) - Date.parse(build.startedAt)) / 1000 : undefined;
    const builder = build.strategy?.name;
    if (build.state !== 'succeeded' || !build.image) {
      const failure = build.failure ?? { code: `BUILD_${build.state.toUpperCase()}`, reason: build.cancellation?.reason ?? build.state, logTail: [] as string[] };
      const logTail = failure.logTail ?? [];
      // The log's most telling line, unless it only repeats the reason.
      const line = logTail.length ? telling(logTail) : '';
      const hint = line && !line.includes(firstLine(failure.reason)) ? ` | ${line}` : '';
      return corpusRow(entry, { builder, buildState: build.state, buildSeconds, failure: { code: failure.code, message: `${firstLine(failure.reason)}${hint}` }, logTail });
    }
    const tag = build.image.tags[0]!;
    for (const t of build.image.tags) images.add(t);
    images.add(`${build.image.repository}:cache-deps`);
    const imageBytes = (await services.docker.getImage(tag).inspect()).Size;
    const app = await services.apps.get(name);
    const outcome = await serveImage({
      docker: services.docker,
      image: tag,
      network: config.buildNetwork,
      probeImage,
      databaseImage: process.env.SLIPWAY_TEST_POSTGRESQL_IMAGE,
      port: app.port,
      path: entry.path,
      host: entry.host,
      env: entry.env,
      database: entry.database,
      releaseCommand: build.releaseCommand,
      startTimeoutMs: entry.startTimeoutSeconds * 1000,
    });
    return corpusRow(entry, {
      builder,
      buildState: build.state,
      buildSeconds,
      imageBytes,
      ...(outcome.release ? { release: outcome.release } : build.releaseCommand ? { release: { command: build.releaseCommand } } : {}),
      status: outcome.status,
      startSeconds: outcome.startSeconds,
      failure: outcome.failure,
      logTail: outcome.logTail,
    });
  } finally {
    await served.unpublish();
  }
}

const firstLine = (s: string) => (s.split('\n').find((l) => l.trim()) ?? '').trim();

async function close(images: Set<string>): Promise<void> {
  await worker.close();
  await api.close();
  await services.buildQueue.obliterate({ force: true }).catch(() => undefined);
  await services.deployQueue.obliterate({ force: true }).catch(() => undefined);
  const keys = await services.redis.keys(`${config.prefix}:*`);
  if (keys.length) await services.redis.del(...keys);
  if (!keepImages) for (const image of images) await services.docker.getImage(image).remove({ force: true }).catch(() => undefined);
  await services.close();
  await rm(config.workDir, { recursive: true, force: true });
}

async function sourceRevision(): Promise<string> {
  const git = promisify(execFile);
  const cwd = new URL('..', import.meta.url).pathname;
  const head = await git('git', ['rev-parse', '--short', 'HEAD'], { cwd }).then((r) => r.stdout.trim(), () => 'unknown');
  const dirty = await git('git', ['status', '--porcelain', '--', 'src', 'builders'], { cwd }).then((r) => r.stdout.trim() !== '', () => false);
  return `${head}${dirty ? ' + uncommitted changes to src/ or builders/' : ''}`;
}

const images = new Set<string>();
const rows: CorpusRow[] = [];
const startedAt = new Date();
let closing: Promise<void> | undefined;
const shutdown = () => (closing ??= close(images));
process.once('SIGINT', () => void shutdown().finally(() => process.exit(130)));
try {
  const revision = await sourceRevision();
  console.log(`corpus: ${entries.length} repo(s) from ${mirrorsDir}, Slipway ${revision}, started ${startedAt.toISOString()}; each built through Slipway and run as ${'1000780000:0'} on ${config.buildNetwork}`);
  for (const [i, entry] of entries.entries()) {
    const row = await buildEntry(entry, images).catch((error: unknown) =>
      // The runner's own trouble with one entry (docker, Redis) is that entry's row, not the run's end.
      corpusRow(entry, { buildState: 'runner error', failure: { code: 'CORPUS_RUNNER_ERROR', message: error instanceof Error ? error.message : String(error) }, logTail: [] }),
    );
    rows.push(row);
    console.log(`[${i + 1}/${entries.length}] ${row.id}: ${row.pass ? 'pass' : 'FAIL'} ${row.builder ?? '-'} ${row.buildSeconds?.toFixed(0) ?? '-'} s HTTP ${row.status ?? '-'} ${row.why}`);
    if (!keepImages) {
      for (const image of images) await services.docker.getImage(image).remove({ force: true }).catch(() => undefined);
      images.clear();
    }
  }
  const rate = passRate(rows);
  console.log(`\n${corpusTable(rows)}\n\npass rate: ${rate.line}; by builder: ${rate.byBuilder}`);
  const file = path.join(process.env.SLIPWAY_STATE!, `corpus-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify({ startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), revision, mirrorsDir, passRate: rate, rows }, null, 2)}\n`);
  console.log(`results: ${file}`);
} finally {
  await shutdown();
}
