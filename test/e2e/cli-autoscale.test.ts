import { startTestApi, type TestApi } from '../helpers/api.js';
import { cliEnv, slipway } from '../helpers/cli.js';

// `slipway autoscale` and `slipway scale` beside it, as a user runs them, against a real API. The
// app has no release, so settings are saved for its first one; the HPA scaling is real-node-autoscale.
let t: TestApi;
let env: Record<string, string>;

beforeAll(async () => {
  t = await startTestApi();
  await t.createApp({ name: 'web', repo: 'git://127.0.0.1:9419/web.git', branch: 'main' });
  env = await cliEnv(t.api);
});
afterAll(() => t.close());

test('autoscale sets, shows, changes one flag, makes scale refuse, and turns off', async () => {
  expect((await slipway(['autoscale', 'web'], env)).stdout).toContain('web does not autoscale (slipway scale sets its replicas)');

  const set = await slipway(['autoscale', 'web', '--min', '2', '--max', '10', '--cpu', '70'], env);
  expect(set).toMatchObject({ code: 0 });
  expect(set.stdout).toContain('Autoscaling 2 to 10 replicas at CPU 70% of requests');
  expect((await t.services.apps.get('web')).deploy.autoscale).toEqual({ minReplicas: 2, maxReplicas: 10, cpuPercent: 70 });

  await slipway(['autoscale', 'web', '--memory', '80', '--scale-down-delay', '1m'], env);
  expect((await t.services.apps.get('web')).deploy.autoscale).toEqual({ minReplicas: 2, maxReplicas: 10, cpuPercent: 70, memoryPercent: 80, scaleDownDelaySeconds: 60 });
  expect((await slipway(['autoscale', 'web'], env)).stdout).toContain('web autoscales: 2 to 10 replicas at CPU 70% and memory 80% of requests, scale-down after 60 s (not in the cluster yet)');

  expect(JSON.parse((await slipway(['settings', 'web'], env)).stdout)).toMatchObject({ replicas: 1, autoscale: { minReplicas: 2, maxReplicas: 10 } });

  const scale = await slipway(['scale', 'web', '3'], env);
  expect(scale.code).toBe(1);
  expect(scale.stderr).toMatch(/autoscales between 2 and 10 replicas.*--off.*\(AUTOSCALE_OWNS_REPLICAS\)/);

  const bad = await slipway(['autoscale', 'web', '--min', '5', '--max', '2'], env);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/maxReplicas 2 is below minReplicas 5.*VALIDATION_FAILED/);

  expect((await slipway(['autoscale', 'web', '--off'], env)).stdout).toContain('Autoscaling off');
  expect((await t.services.apps.get('web')).deploy).not.toHaveProperty('autoscale');
  expect((await slipway(['scale', 'web', '3'], env)).code).toBe(0);
  expect(JSON.parse((await slipway(['settings', 'web'], env)).stdout)).toMatchObject({ replicas: 3, autoscale: 'off' });
});
