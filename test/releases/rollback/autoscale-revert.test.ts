import { configRevert } from '../../../src/releases/rollback/config-revert.js';
import { defaultDeployConfig } from '../../../src/store/deploy-config.js';
import type { App, DeployConfig, Release } from '../../../src/store/types.js';

// The autoscaler is the app's, like its scale and strategy: an automatic rollback keeps it.
const good: DeployConfig = { ...defaultDeployConfig('web'), env: { GREETING: 'hi' } };
const bad: DeployConfig = { ...good, env: { GREETING: 'hi', CRASH: '1' } };
const autoscale = { minReplicas: 2, maxReplicas: 6, cpuPercent: 70 };
const release = (number: number, config: DeployConfig) => ({ app: 'web', number, config, port: 8080 }) as Release;
const app = (deploy: DeployConfig) => ({ name: 'web', port: 8080, deploy }) as App;

test.each<[string, { stored: DeployConfig; failed: DeployConfig; restored: DeployConfig }, DeployConfig['autoscale']]>([
  ['a failed env change, back to a release from before autoscaling: the HPA stays', { stored: { ...bad, autoscale }, failed: { ...bad, autoscale }, restored: good }, autoscale],
  ['the app turned autoscaling off since: it stays off', { stored: bad, failed: { ...bad, autoscale }, restored: { ...good, autoscale } }, undefined],
])('%s', (_name, { stored, failed, restored }, expected) => {
  const decision = configRevert({ app: app(stored), failed: release(5, failed), restored: release(4, restored) });
  expect(decision).toMatchObject({ action: 'write', reverted: ['env CRASH removed'] });
  expect((decision as Extract<typeof decision, { action: 'write' }>).app.deploy.autoscale).toEqual(expected);
});
