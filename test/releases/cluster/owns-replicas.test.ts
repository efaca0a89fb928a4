import type { KubernetesObject } from '@kubernetes/client-node';
import { ownsReplicasAlone } from '../../../src/releases/cluster/scale-workload.js';

const entry = (manager: string, fields: object) => ({ manager, operation: 'Apply', fieldsV1: fields });
const withFields = (...managedFields: object[]) => ({ metadata: { managedFields } }) as KubernetesObject;
const replicas = { 'f:spec': { 'f:replicas': {}, 'f:template': {} } };
const template = { 'f:spec': { 'f:template': {} } };
const statusReplicas = { 'f:status': { 'f:replicas': {} } };

test.each([
  ['slipway alone holds spec.replicas', withFields(entry('slipway', replicas), entry('kube-controller-manager', statusReplicas)), true],
  ['the scale manager holds it too (slipway scale ran)', withFields(entry('slipway', replicas), entry('slipway-scale', { 'f:spec': { 'f:replicas': {} } })), false],
  ['handed over already: only the scale manager', withFields(entry('slipway', template), entry('slipway-scale', { 'f:spec': { 'f:replicas': {} } })), false],
  ["the HPA's controller wrote it", withFields(entry('slipway', template), entry('kube-controller-manager', { 'f:spec': { 'f:replicas': {} } })), false],
  ['nobody holds it', withFields(entry('slipway', template)), false],
  ['no managed fields at all', { metadata: {} } as KubernetesObject, false],
] as const)('%s', (_name, object, expected) => {
  expect(ownsReplicasAlone(object, 'slipway')).toBe(expected);
});
