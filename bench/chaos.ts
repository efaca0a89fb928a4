// Benchmark: what real crashes cost (issue 17). Slipway runs as real processes (N API
// processes, N build workers, N deploy workers) on a Redis of its own with AOF `everysec`;
// 300 signed GitHub pushes (30 commits to each of 10 apps of the dockerfile-server fixture)
// go over real HTTP to the APIs in turn, while a driver SIGKILLs a random Slipway process
// every 3-5 s (and starts it again) and SIGKILLs Redis once, half-way. Apps deploy to the kwok
// nodes of the test cluster. The driver is test/helpers/chaos-run.ts, the same as
// test/e2e/chaos.test.ts's.
//
// One row per replica count (default 1 and 3 of each component): pushes, builds run, retries
// forced by crashes (builds run again, or queued again by the sweeper), lost (apps whose newest
// sha is not built or not current; goal 0), duplicated (a sha built twice; goal 0), stuck
// (builds and releases not final at the end; goal 0), Redis-lost writes seen from outside, and
// time to quiet (last push answered → nothing left to do). The baseline, run first in the same
// run, is 1 replica of each with no killing: "quiet vs calm" is each row's time to quiet over it.
// Every problem found is printed under the table, with the logs' directory.
//
//   bash bench/run.sh chaos [replica-counts=1,3] [--no-baseline]
import { runChaos, type ChaosReport } from '../test/helpers/chaos-run.js';
import { seconds } from './lib/numbers.js';

function replicaCounts(raw: string | undefined): number[] {
  if (raw === undefined || raw.startsWith('--')) return [1, 3];
  const counts = raw.split(',').map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n < 1 || n > 5)) throw new Error(`replica-counts must be integers from 1 to 5, got "${raw}"`);
  return counts;
}

async function main(): Promise<void> {
  for (const name of ['SLIPWAY_REDIS_URL', 'DOCKER_HOST', 'SLIPWAY_REGISTRY', 'SLIPWAY_GIT_ROOT', 'SLIPWAY_GIT_URL', 'KUBECONFIG']) {
    if (!process.env[name]) throw new Error(`${name} is not set: run with bash bench/run.sh (it sources ~/.cache/slipway/state/env.sh)`);
  }
  const counts = replicaCounts(process.argv[2]);
  const baseline = !process.argv.includes('--no-baseline');
  const log = (line: string) => console.log(`  ${new Date().toISOString().slice(11, 19)} ${line}`);
  const rows: Array<{ label: string; report: ChaosReport }> = [];
  if (baseline) {
    console.log('chaos: baseline, 1 of each, no killing');
    rows.push({ label: 'calm, 1 of each', report: await runChaos({ replicas: 1, calm: true, log }) });
  }
  for (const replicas of counts) {
    console.log(`chaos: ${replicas} of each component, killing`);
    rows.push({ label: `chaos, ${replicas} of each`, report: await runChaos({ replicas, log }) });
  }

  const calm = baseline ? rows[0]!.report.timeToQuietMs : undefined;
  const widths = [18, 7, 8, 11, 8, 6, 6, 6, 6, 8, 15, 14];
  const table = (cells: string[]) => console.log(`  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[0]!) : c.padStart(widths[i]!))).join('')}`);
  console.log('\nchaos (dockerfile-server fixture, 10 apps, real processes, kwok nodes, loopback)');
  table(['run', 'pushes', 'resent', 'builds run', 'retries', 'lost', 'dup', 'stuck', 'redis', 'kills', 'time to quiet', 'quiet vs calm']);
  for (const { label, report: r } of rows) {
    const kills = r.kills.api + r.kills.build + r.kills.deploy + r.kills.redis;
    const quiet = r.timeToQuietMs < 0 ? 'never' : seconds(r.timeToQuietMs);
    const ratio = calm && r.timeToQuietMs >= 0 ? (r.timeToQuietMs / calm).toFixed(2) : '-';
    table([label, String(r.pushes), String(r.pushRetries), String(r.buildsRun), String(r.retriesForcedByCrashes), String(r.lost), String(r.duplicated), String(r.stuck), String(r.redisLostWrites), String(kills), quiet, ratio]);
  }
  console.log('  resent: pushes sent again (same delivery id) after their API failed; retries: builds run again or requeued after a crash;');
  console.log('  redis: writes Redis lost on SIGKILL seen from outside; kills: processes SIGKILLed (Redis included).');
  for (const { label, report } of rows) {
    if (!report.findings.length) continue;
    console.log(`\n${label}: ${report.findings.length} findings (process logs kept in ${report.logDir})`);
    for (const f of report.findings) console.log(`  ${f}`);
  }
  const bad = rows.filter(({ report: r }) => r.lost || r.duplicated || r.stuck);
  if (bad.length) {
    console.error(`\nchaos: ${bad.map((b) => b.label).join(', ')} lost, duplicated or left stuck work`);
    process.exitCode = 1;
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exit(1);
  },
);
