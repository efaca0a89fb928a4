import { checkDeployConfig, defaultDeployConfig } from '../../src/store/deploy-config.js';
import type { DeployConfig } from '../../src/store/types.js';

const base = defaultDeployConfig('shop');
const rwo = [{ name: 'data', mountPath: '/data', size: '1Gi', accessMode: 'ReadWriteOnce' as const }];
const rwx = [{ name: 'data', mountPath: '/data', size: '1Gi', accessMode: 'ReadWriteMany' as const }];

describe('autoscale cross-field rules', () => {
  test.each<[string, Partial<DeployConfig>]>([
    ['CPU', { autoscale: { minReplicas: 2, maxReplicas: 10, cpuPercent: 70 } }],
    ['memory only, min = max', { autoscale: { minReplicas: 3, maxReplicas: 3, memoryPercent: 80 } }],
    ['a ReadWriteMany volume', { volumes: rwx, autoscale: { minReplicas: 1, maxReplicas: 5, cpuPercent: 70 } }],
    ['a ReadWriteOnce volume with max 1', { volumes: rwo, autoscale: { minReplicas: 1, maxReplicas: 1, cpuPercent: 70 } }],
    ['the Rolling strategy', { strategy: { type: 'Rolling' }, autoscale: { minReplicas: 1, maxReplicas: 4, cpuPercent: 70 } }],
  ])('accepts %s', (_name, patch) => {
    expect(checkDeployConfig({ ...base, ...patch }).autoscale).toEqual(patch.autoscale);
  });

  test.each<[string, Partial<DeployConfig>, string, RegExp]>([
    ['max below min', { autoscale: { minReplicas: 5, maxReplicas: 2, cpuPercent: 70 } }, 'VALIDATION_FAILED', /maxReplicas 2 is below minReplicas 5/],
    ['no target', { autoscale: { minReplicas: 1, maxReplicas: 2 } }, 'VALIDATION_FAILED', /needs a target/],
    ['BlueGreen', { strategy: { type: 'BlueGreen' }, autoscale: { minReplicas: 1, maxReplicas: 2, cpuPercent: 70 } }, 'VALIDATION_FAILED', /BlueGreen strategy sets the replicas/],
    ['Canary', { strategy: { type: 'Canary' }, autoscale: { minReplicas: 1, maxReplicas: 2, cpuPercent: 70 } }, 'VALIDATION_FAILED', /Canary strategy/],
    ['a ReadWriteOnce volume and max 3', { volumes: rwo, autoscale: { minReplicas: 1, maxReplicas: 3, cpuPercent: 70 } }, 'VOLUME_SINGLE_NODE', /autoscaler may run up to 3 replicas.*Multi-Attach/],
  ])('refuses %s', (_name, patch, code, message) => {
    let caught: unknown;
    try {
      checkDeployConfig({ ...base, ...patch });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code, message: expect.stringMatching(message) });
  });

  test('a ReadWriteOnce volume added to an app that autoscales beyond 1 is refused, and raising max on one already trapped too', () => {
    const autoscaled = { ...base, autoscale: { minReplicas: 1, maxReplicas: 3, cpuPercent: 70 } };
    expect(() => checkDeployConfig({ ...autoscaled, volumes: rwo }, autoscaled)).toThrow(/autoscaler may run up to 3/);
    // Saved before the rule: changes that do not deepen the trap pass, a higher max does not.
    const trapped = { ...autoscaled, volumes: rwo };
    expect(() => checkDeployConfig({ ...trapped, env: { A: '1' } }, trapped)).not.toThrow();
    expect(() => checkDeployConfig({ ...trapped, autoscale: { ...trapped.autoscale, maxReplicas: 4 } }, trapped)).toThrow(/up to 4/);
  });
});
