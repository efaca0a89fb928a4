import { canarySteps, previewHost, progressiveType, sideReplicas, workloadName } from '../../../src/releases/progressive/plan.js';

describe('sideReplicas: the share is the replica ratio, and the stable side keeps serving until the last step', () => {
  test.each([
    // total, weight → canary, stable, share
    [10, 10, 1, 9, 10],
    [10, 50, 5, 5, 50],
    [4, 25, 1, 3, 25],
    [4, 50, 2, 2, 50],
    [4, 100, 4, 0, 100],
    [2, 10, 1, 1, 50],
    [1, 10, 1, 1, 50],
    [1, 90, 1, 1, 50],
    [3, 90, 3, 1, 75],
    [20, 1, 1, 19, 5],
    [0, 50, 0, 0, 50],
  ])('%i pods at %i%% → %i canary, %i stable (%i%%)', (total, weight, canary, stable, share) => {
    expect(sideReplicas({ total, weight })).toEqual({ canary, stable, share });
  });
});

describe('the rest of the plan', () => {
  test.each([
    [undefined, [10, 50, 100]],
    [[20, 60], [20, 60, 100]],
    [[30, 100], [30, 100]],
  ])('canary steps %j → %j', (steps, expected) => {
    expect(canarySteps({ type: 'Canary', ...(steps ? { steps } : {}) })).toEqual(expected);
  });

  test.each([
    ['shop.example.com', undefined, 'shop-preview.example.com'],
    ['example.com', undefined, 'example-preview.com'],
    ['localhost', undefined, 'localhost-preview'],
    ['shop.example.com', 'next.example.com', 'next.example.com'],
  ])('preview host of %s (set: %s) → %s', (host, set, expected) => {
    expect(previewHost({ host, strategy: { type: 'BlueGreen', ...(set ? { previewHost: set } : {}) } })).toBe(expected);
  });

  test.each([
    ['Deployment', undefined, undefined, 'web'],
    ['Deployment', 'Rolling', undefined, 'web'],
    ['Deployment', 'Recreate', undefined, 'web'],
    ['Deployment', 'BlueGreen', 'BlueGreen', 'web-r7'],
    ['Deployment', 'Canary', 'Canary', 'web-r7'],
    // A StatefulSet keeps rolling updates whatever a record says.
    ['StatefulSet', 'Canary', undefined, 'web'],
  ] as const)('%s with %s: progressive %s, workload %s', (kind, type, progressive, name) => {
    const config = { kind, ...(type ? { strategy: { type } } : {}) };
    expect(progressiveType(config)).toBe(progressive);
    expect(workloadName({ app: 'web', release: 7, config })).toBe(name);
  });
});
