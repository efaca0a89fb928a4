import { SlipwayError } from '../../src/errors.js';
import { checkTemplateClaims } from '../../src/templates/single-node-claims.js';

type Obj = Record<string, unknown>;

const claim = (name: string, accessModes: string[]): Obj => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec: { accessModes, resources: { requests: { storage: '1Gi' } } } });
const workload = (kind: string, replicas: number | undefined, claimName: string, extra: Obj = {}): Obj => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name: 'db' },
  spec: {
    ...(replicas === undefined ? {} : { replicas }),
    template: { spec: { containers: [{ name: 'db', image: 'postgres' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] } },
    ...extra,
  },
});

function refusal(objects: Obj[]): { code: string; message: string } | undefined {
  try {
    checkTemplateClaims(objects);
    return undefined;
  } catch (error) {
    if (!(error instanceof SlipwayError)) throw error;
    return { code: error.code, message: error.message };
  }
}

describe('checkTemplateClaims: a template workload sharing a ReadWriteOnce claim between replicas is refused', () => {
  test.each<[string, Obj[], RegExp | undefined]>([
    ['a Deployment with 2 replicas on a ReadWriteOnce claim', [claim('pg', ['ReadWriteOnce']), workload('Deployment', 2, 'pg')], /Deployment db mounts claim "pg", which is ReadWriteOnce, with 2 replicas/],
    ['a StatefulSet with 3 replicas on one shared ReadWriteOncePod claim', [claim('pg', ['ReadWriteOncePod']), workload('StatefulSet', 3, 'pg')], /StatefulSet db mounts claim "pg", which is ReadWriteOncePod, with 3 replicas/],
    ['a Deployment with 1 replica on a ReadWriteOnce claim', [claim('pg', ['ReadWriteOnce']), workload('Deployment', 1, 'pg', { strategy: { type: 'Recreate' } })], undefined],
    ['replicas unset (1) on a ReadWriteOnce claim', [claim('pg', ['ReadWriteOnce']), workload('Deployment', undefined, 'pg')], undefined],
    ['a Deployment with 2 replicas on a ReadWriteMany claim', [claim('pg', ['ReadWriteMany']), workload('Deployment', 2, 'pg')], undefined],
    ['a claim the template does not hold (its access mode is not known here)', [workload('Deployment', 2, 'elsewhere')], undefined],
    [
      'a StatefulSet with 3 replicas and volumeClaimTemplates (one claim per pod)',
      [{ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { replicas: 3, template: { spec: { containers: [{ name: 'db', image: 'postgres', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] } }, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }] } }],
      undefined,
    ],
  ])('%s', (_name, objects, expected) => {
    const refused = refusal(objects);
    if (expected) {
      expect(refused?.code).toBe('VOLUME_SINGLE_NODE');
      expect(refused?.message).toMatch(expected);
    } else {
      expect(refused).toBeUndefined();
    }
  });
});
