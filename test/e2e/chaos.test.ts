// @runs-alone: its 3-5 s kills and 5 s job locks assume CPU for the Slipway processes.
import { runChaos, type ChaosReport } from '../helpers/chaos-run.js';

// issue 17, the chaos run: 2 API processes, 2 build workers and 2 deploy workers, all real
// processes behind one Redis of their own (AOF everysec); 300 signed pushes to 10 apps over
// real HTTP while a driver SIGKILLs a random Slipway process every 3-5 s (and starts it
// again) and SIGKILLs Redis once. At the end every app's newest sha is built exactly once and
// is its current release; nothing stuck, nothing built twice. Builds a crash forced to run
// again are counted and reported, not failed on. Each process's log is kept on failure.
test('300 pushes to 10 apps while Slipway processes and Redis are SIGKILLed: nothing lost, duplicated or stuck', async () => {
  const lines: string[] = [];
  const report: ChaosReport = await runChaos({ replicas: 2, log: (line) => lines.push(`${new Date().toISOString()} ${line}`) });
  const { findings, ...figures } = report;
  process.stdout.write(`chaos run:\n${lines.join('\n')}\n${JSON.stringify(figures, null, 2)}\n${findings.join('\n')}\n`);

  expect(report.pushes).toBe(300);
  expect(report.kills.redis).toBe(1);
  expect(report.kills.api + report.kills.build + report.kills.deploy).toBeGreaterThan(0);
  expect(findings.filter((f) => /^(lost|duplicated|stuck|dropped|redis)/.test(f))).toEqual([]);
  expect(report.lost).toBe(0);
  expect(report.duplicated).toBe(0);
  expect(report.stuck).toBe(0);
  expect(report.pushesDropped).toBe(0);
  expect(report.redisLostWrites).toBe(0);
  expect(report.timeToQuietMs).toBeGreaterThanOrEqual(0);
}, 15 * 60_000);
