import { SlipwayError } from '../../src/errors.js';
import { checkDeployConfig, defaultDeployConfig, mergeDeployConfig } from '../../src/store/deploy-config.js';
import { checkSingleNodeVolumes } from '../../src/store/single-node-volumes.js';
import type { DeployConfig, VolumeSpec } from '../../src/store/types.js';

const base = defaultDeployConfig('shop');
const volume = (accessMode: VolumeSpec['accessMode'], name = 'data'): VolumeSpec => ({ name, mountPath: `/${name}`, size: '1Gi', accessMode });
const rwo = [volume('ReadWriteOnce')];
const deploy = (patch: Partial<DeployConfig>): DeployConfig => ({ ...base, ...patch });

/** The code and details of what `run` throws, or undefined when it does not throw. */
function refusal(run: () => unknown): { code: string; message: string; details: Record<string, unknown> } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (!(error instanceof SlipwayError)) throw error;
    return { code: error.code, message: error.message, details: error.details };
  }
}

describe('checkSingleNodeVolumes: the ReadWriteOnce trap is refused whichever change comes last', () => {
  test.each<[string, DeployConfig, DeployConfig | undefined, { cause: string; volume: string; accessMode: string; message: RegExp }]>([
    ['scale to 2 after a ReadWriteOnce volume', deploy({ volumes: rwo, replicas: 2 }), deploy({ volumes: rwo }), { cause: 'replicas', volume: 'data', accessMode: 'ReadWriteOnce', message: /2 replicas all mount the claim of volume "data" is ReadWriteOnce \(only pods on one node can mount it\).*Keep 1 replica, or use a ReadWriteMany volume/ }],
    ['a ReadWriteOnce volume after scaling to 3', deploy({ volumes: rwo, replicas: 3 }), deploy({ replicas: 3 }), { cause: 'replicas', volume: 'data', accessMode: 'ReadWriteOnce', message: /3 replicas/ }],
    ['a ReadWriteOncePod volume with 2 replicas', deploy({ volumes: [volume('ReadWriteOncePod', 'cache')], replicas: 2 }), deploy({ replicas: 2 }), { cause: 'replicas', volume: 'cache', accessMode: 'ReadWriteOncePod', message: /only one pod can mount it/ }],
    ['a Rolling strategy chosen with a ReadWriteOnce volume', deploy({ volumes: rwo, strategy: { type: 'Rolling' } }), deploy({ volumes: rwo }), { cause: 'rolling', volume: 'data', accessMode: 'ReadWriteOnce', message: /Rolling strategy starts the new pod before the old one stops.*Use Recreate/ }],
    ['a ReadWriteOnce volume after a Rolling strategy was chosen', deploy({ volumes: rwo, strategy: { type: 'Rolling', maxSurge: 1 } }), deploy({ strategy: { type: 'Rolling', maxSurge: 1 } }), { cause: 'rolling', volume: 'data', accessMode: 'ReadWriteOnce', message: /Rolling strategy/ }],
    ['a Canary strategy with a ReadWriteOnce volume', deploy({ volumes: rwo, strategy: { type: 'Canary' } }), deploy({ volumes: rwo }), { cause: 'progressive', volume: 'data', accessMode: 'ReadWriteOnce', message: /Canary strategy runs two releases at once/ }],
    ['a StatefulSet with 2 replicas on an app volume (one claim shared by every pod)', deploy({ kind: 'StatefulSet', volumes: rwo, replicas: 2 }), deploy({ kind: 'StatefulSet', volumes: rwo }), { cause: 'replicas', volume: 'data', accessMode: 'ReadWriteOnce', message: /2 replicas/ }],
    ['a second ReadWriteOnce volume on an app already in the trap (saved before the rule)', deploy({ volumes: [...rwo, volume('ReadWriteOnce', 'logs')], replicas: 2 }), deploy({ volumes: rwo, replicas: 2 }), { cause: 'replicas', volume: 'logs', accessMode: 'ReadWriteOnce', message: /volume "logs"/ }],
    ['scaling up an app already in the trap', deploy({ volumes: rwo, replicas: 3 }), deploy({ volumes: rwo, replicas: 2 }), { cause: 'replicas', volume: 'data', accessMode: 'ReadWriteOnce', message: /3 replicas/ }],
    ['no config before (a new app)', deploy({ volumes: rwo, replicas: 2 }), undefined, { cause: 'replicas', volume: 'data', accessMode: 'ReadWriteOnce', message: /2 replicas/ }],
  ])('refuses %s', (_name, config, before, expected) => {
    const refused = refusal(() => checkSingleNodeVolumes(config, before));
    expect(refused).toMatchObject({ code: 'VOLUME_SINGLE_NODE', details: { cause: expected.cause, volume: expected.volume, accessMode: expected.accessMode } });
    expect(refused!.message).toMatch(expected.message);
  });

  test.each<[string, DeployConfig, DeployConfig | undefined]>([
    ['a ReadWriteOnce volume with 1 replica', deploy({ volumes: rwo }), deploy({})],
    ['a ReadWriteOnce volume with 0 replicas', deploy({ volumes: rwo, replicas: 0 }), deploy({ volumes: rwo })],
    ['Recreate chosen with a ReadWriteOnce volume', deploy({ volumes: rwo, strategy: { type: 'Recreate' } }), deploy({ volumes: rwo })],
    ['a ReadWriteMany volume with 5 replicas and Rolling', deploy({ volumes: [volume('ReadWriteMany')], replicas: 5, strategy: { type: 'Rolling' } }), deploy({})],
    ['a ReadOnlyMany volume with 3 replicas', deploy({ volumes: [volume('ReadOnlyMany')], replicas: 3 }), deploy({})],
    ['an env change on an app already in the trap (saved before the rule): it keeps deploying', deploy({ volumes: rwo, replicas: 2, env: { A: '1' } }), deploy({ volumes: rwo, replicas: 2 })],
    ['scaling down an app already in the trap', deploy({ volumes: rwo, replicas: 2 }), deploy({ volumes: rwo, replicas: 4 })],
    ['leaving the trap: back to 1 replica', deploy({ volumes: rwo, replicas: 1 }), deploy({ volumes: rwo, replicas: 2 })],
  ])('accepts %s', (_name, config, before) => {
    expect(refusal(() => checkSingleNodeVolumes(config, before))).toBeUndefined();
  });
});

describe('the rule through the config paths', () => {
  const rules = {};
  test('mergeDeployConfig (PATCH, new-app) refuses replicas 2 on a ReadWriteOnce app with VOLUME_SINGLE_NODE', () => {
    expect(refusal(() => mergeDeployConfig(deploy({ volumes: rwo }), { replicas: 2 }, rules))).toMatchObject({ code: 'VOLUME_SINGLE_NODE', details: { field: 'replicas' } });
  });
  test('mergeDeployConfig lets an app already in the trap change its env', () => {
    expect(mergeDeployConfig(deploy({ volumes: rwo, replicas: 2 }), { env: { A: '1' } }, rules).env).toEqual({ A: '1' });
  });
  test('checkDeployConfig (the strategy setting) refuses Rolling on a ReadWriteOnce app, and accepts Recreate', () => {
    expect(refusal(() => checkDeployConfig(deploy({ volumes: rwo, strategy: { type: 'Rolling' } }), deploy({ volumes: rwo })))).toMatchObject({ code: 'VOLUME_SINGLE_NODE', details: { field: 'strategy' } });
    expect(checkDeployConfig(deploy({ volumes: rwo, strategy: { type: 'Recreate' } }), deploy({ volumes: rwo })).strategy).toEqual({ type: 'Recreate' });
  });
});
