import type {
  CoreV1Event,
  V1ContainerStatus,
  V1Deployment,
  V1DeploymentCondition,
  V1DeploymentStatus,
  V1Pod,
  V1PodCondition,
  V1StatefulSet,
  V1StatefulSetStatus,
  V1StatefulSetUpdateStrategy,
} from '@kubernetes/client-node';
import {
  checkWorkloadStatus,
  type PodProblem,
  type WorkloadObservation,
  type WorkloadStatus,
} from '../../src/releases/rollout/workload-status.js';

// Builders produce objects shaped like the API server returns them (apps/v1, client-node v2
// deserialisation: timestamps as Date, zero counts omitted from status).

const T0 = new Date('2025-06-02T09:00:00Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);
const NAMESPACE = 'shop';
const RELEASE = '7';
const RS = 'web-7d9c5b8f4';
const IMAGE = '127.0.0.1:5000/web@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

const labels = (app: string): Record<string, string> => ({
  'app.kubernetes.io/name': app,
  'app.kubernetes.io/managed-by': 'slipway',
  'slipway.dev/release': RELEASE,
});

/** Kubernetes omits zero-valued counts (omitempty), so a fresh or scaled-to-zero status has no numbers. */
function omitZero<T extends object>(status: T): T {
  return Object.fromEntries(Object.entries(status).filter(([, v]) => v !== 0 && v !== undefined)) as T;
}

function condition(type: string, status: 'True' | 'False', reason: string, message: string, updatedAt = at(30)): V1DeploymentCondition {
  return { type, status, reason, message, lastUpdateTime: updatedAt, lastTransitionTime: at(5) };
}

const progressing = (reason: string, updatedAt?: Date): V1DeploymentCondition =>
  reason === 'ProgressDeadlineExceeded'
    ? condition('Progressing', 'False', reason, `ReplicaSet "${RS}" has timed out progressing.`, updatedAt)
    : condition('Progressing', 'True', reason, `ReplicaSet "${RS}" ${reason === 'NewReplicaSetAvailable' ? 'has successfully progressed' : 'is progressing'}.`, updatedAt);

interface DeploymentOpts {
  replicas?: number;
  generation?: number;
  observedGeneration?: number;
  status?: Partial<V1DeploymentStatus>;
  conditions?: V1DeploymentCondition[];
  withoutKind?: boolean;
}

function deployment(o: DeploymentOpts = {}): V1Deployment {
  const replicas = o.replicas ?? 2;
  const generation = o.generation ?? 3;
  const counts = { replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, ...o.status };
  const complete = (counts.availableReplicas ?? 0) >= replicas;
  const conditions = o.conditions ?? (complete
    ? [condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'), progressing('NewReplicaSetAvailable')]
    : [condition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'), progressing('ReplicaSetUpdated')]);
  return {
    ...(o.withoutKind ? {} : { apiVersion: 'apps/v1', kind: 'Deployment' }),
    metadata: {
      name: 'web', namespace: NAMESPACE, uid: '1f0c5a9e-2b1d-4c8e-9a53-0d6f1e7b2c44', resourceVersion: '48213',
      generation, creationTimestamp: at(-86400), labels: labels('web'),
      annotations: { 'deployment.kubernetes.io/revision': '7' },
    },
    spec: {
      replicas, progressDeadlineSeconds: 600, revisionHistoryLimit: 10,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: { metadata: { labels: labels('web') }, spec: { containers: [{ name: 'web', image: IMAGE, ports: [{ containerPort: 8080 }] }] } },
    },
    status: { observedGeneration: o.observedGeneration ?? generation, ...omitZero(counts), conditions },
  };
}

interface StatefulSetOpts {
  replicas?: number;
  status?: Partial<V1StatefulSetStatus>;
  updateStrategy?: V1StatefulSetUpdateStrategy;
  withoutKind?: boolean;
}

function statefulSet(o: StatefulSetOpts = {}): V1StatefulSet {
  const replicas = o.replicas ?? 2;
  const revision = 'db-5f7c9d8b6c';
  const status: V1StatefulSetStatus = {
    observedGeneration: 2, replicas, readyReplicas: replicas, currentReplicas: replicas, updatedReplicas: replicas,
    availableReplicas: replicas, currentRevision: revision, updateRevision: revision, collisionCount: 0, ...o.status,
  };
  return {
    ...(o.withoutKind ? {} : { apiVersion: 'apps/v1', kind: 'StatefulSet' }),
    metadata: { name: 'db', namespace: NAMESPACE, uid: '6a2e9d4b-0c1f-4f7a-8e35-b9d0c2a41f17', generation: 2, labels: labels('db') },
    spec: {
      replicas, serviceName: 'db', podManagementPolicy: 'OrderedReady',
      updateStrategy: o.updateStrategy ?? { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      selector: { matchLabels: { 'app.kubernetes.io/name': 'db' } },
      template: { metadata: { labels: labels('db') }, spec: { containers: [{ name: 'postgresql', image: '127.0.0.1:5000/postgresql:16' }] } },
    },
    status: omitZero(status),
  };
}

interface ContainerOpts { restartCount?: number; ready?: boolean; lastExit?: { exitCode: number; reason: string } }

function lastState(o: ContainerOpts): Pick<V1ContainerStatus, 'lastState'> {
  return o.lastExit
    ? { lastState: { terminated: { ...o.lastExit, startedAt: at(40), finishedAt: at(45), containerID: 'containerd://0b1c2d3e' } } }
    : {};
}

function running(name: string, o: ContainerOpts = {}): V1ContainerStatus {
  return {
    name, image: IMAGE, imageID: IMAGE, containerID: 'containerd://4e5f6a7b8c9d', ready: o.ready ?? true, started: true,
    restartCount: o.restartCount ?? 0, state: { running: { startedAt: at(50) } }, ...lastState(o),
  };
}

function waiting(name: string, reason: string, message?: string, o: ContainerOpts = {}): V1ContainerStatus {
  return {
    name, image: IMAGE, imageID: o.lastExit ? IMAGE : '', ready: false, started: false,
    restartCount: o.restartCount ?? 0, state: { waiting: { reason, ...(message ? { message } : {}) } }, ...lastState(o),
  };
}

/**
 * A container between two runs as a real kubelet reports it (kubelet v1.36, containerd): the
 * exit it just made in `state.terminated`, the one before in `lastState`, not ready, not started.
 */
function terminated(name: string, exit: { exitCode: number; reason: string }, o: ContainerOpts = {}): V1ContainerStatus {
  return {
    name, image: IMAGE, imageID: IMAGE, containerID: 'containerd://7c8d9e0f1a2b', ready: false, started: false,
    restartCount: o.restartCount ?? 0,
    state: { terminated: { ...exit, startedAt: at(60), finishedAt: at(61), containerID: 'containerd://7c8d9e0f1a2b' } },
    ...lastState(o),
  };
}

interface PodOpts {
  containers?: V1ContainerStatus[];
  init?: V1ContainerStatus[];
  phase?: string;
  terminating?: boolean;
  unschedulable?: string;
  statusReason?: { reason: string; message: string };
}

function pod(name: string, o: PodOpts = {}): V1Pod {
  const containers = o.containers ?? [running(name.startsWith('db') ? 'postgresql' : 'web')];
  const phase = o.phase ?? (o.unschedulable ? 'Pending' : containers.some((c) => c.state?.running) ? 'Running' : 'Pending');
  const ready = phase === 'Running' && containers.every((c) => c.ready);
  const unready = containers.filter((c) => !c.ready).map((c) => c.name);
  const cond = (type: string, ok: boolean, reason?: string, message?: string): V1PodCondition =>
    ({ type, status: ok ? 'True' : 'False', lastTransitionTime: at(20), ...(reason ? { reason } : {}), ...(message ? { message } : {}) });
  const conditions: V1PodCondition[] = o.unschedulable
    ? [cond('PodScheduled', false, 'Unschedulable', o.unschedulable)]
    : [
        cond('PodReadyToStartContainers', true),
        cond('Initialized', !(o.init ?? []).some((c) => !c.state?.terminated), ...(o.init?.some((c) => !c.state?.terminated) ? ['ContainersNotInitialized', `containers with incomplete status: [${o.init.map((c) => c.name).join(' ')}]`] : [])),
        cond('Ready', ready, ...(ready ? [] : ['ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`])),
        cond('ContainersReady', ready, ...(ready ? [] : ['ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`])),
        cond('PodScheduled', true),
      ];
  const isDb = name.startsWith('db');
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace: NAMESPACE, uid: `uid-${name}`, creationTimestamp: at(10),
      labels: { ...labels(isDb ? 'db' : 'web'), ...(isDb ? { 'controller-revision-hash': 'db-5f7c9d8b6c' } : { 'pod-template-hash': '7d9c5b8f4' }) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: isDb ? 'StatefulSet' : 'ReplicaSet', name: isDb ? 'db' : RS, uid: 'owner-uid', controller: true }],
      ...(o.terminating ? { deletionTimestamp: at(80), deletionGracePeriodSeconds: 30 } : {}),
    },
    spec: { nodeName: o.unschedulable ? undefined : 'kwok-node-0', containers: [{ name: containers[0]?.name ?? 'web', image: IMAGE }] },
    status: {
      phase, conditions, qosClass: 'Burstable', startTime: at(10),
      ...(o.unschedulable ? {} : { hostIP: '10.0.0.5', podIP: '10.244.0.17' }),
      ...(o.init ? { initContainerStatuses: o.init } : {}),
      ...(o.unschedulable ? {} : { containerStatuses: containers }),
      ...(o.statusReason ?? {}),
    },
  };
}

function event(kind: string, name: string, reason: string, message: string, seconds: number): CoreV1Event {
  return {
    apiVersion: 'v1', kind: 'Event', type: 'Warning', reason, message, count: 4,
    metadata: { name: `${name}.18a2b3c4d5e6f708`, namespace: NAMESPACE, creationTimestamp: at(seconds) },
    involvedObject: { apiVersion: 'v1', kind, name, namespace: NAMESPACE },
    firstTimestamp: at(seconds - 30), lastTimestamp: at(seconds),
    source: { component: kind === 'Pod' ? 'kubelet' : 'replicaset-controller' },
  };
}

function observe(workload: V1Deployment | V1StatefulSet, pods: V1Pod[], extra: Partial<WorkloadObservation> = {}): WorkloadObservation {
  return { workload, pods, now: at(90), startedAt: T0, readinessDeadlineSeconds: 300, maxRestarts: 5, ...extra };
}

const BACKOFF = 'back-off 10s restarting failed container=web pod=web-7d9c5b8f4-x2x9k_shop(uid-web-7d9c5b8f4-x2x9k)';
const crashLoop = (name = 'web', restartCount = 3): V1ContainerStatus =>
  waiting(name, 'CrashLoopBackOff', BACKOFF, { restartCount, lastExit: { exitCode: 1, reason: 'Error' } });
const readyPods = [pod(`${RS}-x2x9k`), pod(`${RS}-q8m4z`)];
const oneReady = [pod(`${RS}-x2x9k`), pod(`${RS}-q8m4z`, { containers: [running('web', { ready: false })] })];
const inProgress = { readyReplicas: 1, availableReplicas: 1 };

/** One pod through a real kubelet's crash loop, snapshot by snapshot, with what each must give. */
function kubeletCrashLoop(): Case[] {
  const error = { exitCode: 1, reason: 'Error' };
  const observeOne = (c: V1ContainerStatus): WorkloadObservation =>
    observe(deployment({ replicas: 1, status: { readyReplicas: 0, availableReplicas: 0 } }), [pod(`${RS}-x2x9k`, { phase: 'Running', containers: [c] })]);
  const loop = (message: string, restartCount: number) => ({ state: 'failed' as const, reason: 'CrashLoopBackOff' as const, message, pods: [{ container: 'web', reason: 'CrashLoopBackOff', restartCount }] });
  return [
    { name: 'real kubelet 1: running, not yet ready', observation: observeOne(running('web', { ready: false })), expected: { state: 'deploying', reason: 'Progressing' } },
    // The first exit is not judged: the kubelet restarts it at once, without a back-off.
    { name: 'real kubelet 2: first exit, terminated (Error, 1), restartCount 0', observation: observeOne(terminated('web', error)), expected: { state: 'deploying', reason: 'Progressing' } },
    { name: 'real kubelet 3: running again after one restart', observation: observeOne(running('web', { ready: false, restartCount: 1, lastExit: error })), expected: { state: 'deploying', reason: 'Progressing' } },
    {
      name: 'real kubelet 4: terminated (Error, 1) again, restartCount 1: the crash loop, before any waiting reason shows',
      observation: observeOne(terminated('web', error, { restartCount: 1, lastExit: error })),
      expected: loop(`pod ${RS}-x2x9k container web: CrashLoopBackOff (restarted 1 time): exited with code 1 (Error) and is being restarted; last exit code 1 (Error)`, 1),
    },
    {
      name: 'real kubelet 5: waiting CrashLoopBackOff (briefly shown)',
      observation: observeOne(waiting('web', 'CrashLoopBackOff', BACKOFF, { restartCount: 1, lastExit: error })),
      expected: loop('CrashLoopBackOff (restarted 1 time): back-off 10s restarting failed container=web', 1),
    },
    { name: 'real kubelet 6: terminated again, restartCount 2', observation: observeOne(terminated('web', error, { restartCount: 2, lastExit: error })), expected: loop('exited with code 1 (Error)', 2) },
  ];
}

interface Case {
  name: string;
  observation: WorkloadObservation;
  expected: Pick<WorkloadStatus, 'state' | 'reason'> & { pods?: Partial<PodProblem>[]; message?: string };
}

const cases: Case[] = [
  {
    name: 'ready deployment: generation observed, all replicas updated, ready and available',
    observation: observe(deployment(), readyPods),
    expected: { state: 'ready', reason: 'Available', pods: [] },
  },
  {
    name: 'ready statefulset',
    observation: observe(statefulSet(), [pod('db-0'), pod('db-1')]),
    expected: { state: 'ready', reason: 'Available', pods: [] },
  },
  {
    name: 'list item without kind is recognised as a StatefulSet by its fields',
    observation: observe(statefulSet({ withoutKind: true, status: { currentRevision: 'db-5f7c9d8b6c', updateRevision: 'db-6d8e0f9c7d' } }), [pod('db-0'), pod('db-1')]),
    expected: { state: 'deploying', reason: 'Progressing', message: 'db-5f7c9d8b6c -> db-6d8e0f9c7d' },
  },
  {
    name: 'replicas 0: ready once the generation is observed',
    observation: observe(deployment({ replicas: 0, conditions: [condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')] }), []),
    expected: { state: 'ready', reason: 'Available', pods: [] },
  },
  {
    name: 'observedGeneration stale: counts still describe the previous spec',
    observation: observe(deployment({ generation: 4, observedGeneration: 3 }), readyPods),
    expected: { state: 'deploying', reason: 'Progressing', message: 'generation 4' },
  },
  {
    // New ReplicaSet complete (2/2 ready), one unready pod of the old ReplicaSet not yet scaled away.
    name: 'all updated and ready but an old replica still present',
    observation: observe(
      deployment({
        status: { replicas: 3 },
        conditions: [condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'), progressing('ReplicaSetUpdated')],
      }),
      readyPods,
    ),
    expected: { state: 'deploying', reason: 'Progressing', message: '1 old pending termination' },
  },
  {
    name: '1 of 2 ready',
    observation: observe(deployment({ status: inProgress }), oneReady),
    expected: { state: 'deploying', reason: 'Progressing', message: 'waiting: 1 of 2 replicas ready, 2 updated', pods: [{ pod: `${RS}-q8m4z`, reason: 'NotReady' }] },
  },
  {
    name: 'before the readiness deadline: still deploying',
    observation: observe(deployment({ status: inProgress }), oneReady, { now: at(299) }),
    expected: { state: 'deploying', reason: 'Progressing' },
  },
  {
    name: 'readiness deadline exceeded: never-ready pods listed with the probe failure',
    observation: observe(
      deployment({ status: { readyReplicas: 0, availableReplicas: 0 } }),
      [pod(`${RS}-x2x9k`, { containers: [running('web', { ready: false })] }), pod(`${RS}-q8m4z`, { containers: [running('web', { ready: false })] })],
      { now: at(301), events: [event('Pod', `${RS}-x2x9k`, 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', 290)] },
    ),
    expected: {
      state: 'failed', reason: 'ReadinessDeadlineExceeded', message: 'Readiness probe failed',
      pods: [
        { pod: `${RS}-x2x9k`, reason: 'NotReady', message: 'Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503' },
        { pod: `${RS}-q8m4z`, reason: 'NotReady', message: 'containers with unready status: [web]' },
      ],
    },
  },
  {
    // Event timestamps have whole seconds: one recorded 0.4 s after the start reads as 0.3 s before it.
    name: 'an Event from the second the rollout started still explains it (timestamps are whole seconds)',
    observation: observe(
      deployment({ replicas: 1, status: { readyReplicas: 0, availableReplicas: 0 } }),
      [pod(`${RS}-x2x9k`, { containers: [running('web', { ready: false })] })],
      {
        startedAt: new Date(T0.getTime() + 700),
        now: at(400),
        events: [event('Pod', `${RS}-x2x9k`, 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 500', 0)],
      },
    ),
    expected: {
      state: 'failed', reason: 'ReadinessDeadlineExceeded',
      pods: [{ pod: `${RS}-x2x9k`, reason: 'NotReady', message: 'Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 500' }],
    },
  },
  {
    name: 'an Event from a second before the rollout started belongs to an earlier release',
    observation: observe(
      deployment({ replicas: 1, status: { readyReplicas: 0, availableReplicas: 0 } }),
      [pod(`${RS}-x2x9k`, { containers: [running('web', { ready: false })] })],
      { startedAt: new Date(T0.getTime() + 1000), now: at(400), events: [event('Pod', `${RS}-x2x9k`, 'Unhealthy', 'Readiness probe failed: old', 0)] },
    ),
    expected: { state: 'failed', reason: 'ReadinessDeadlineExceeded', pods: [{ pod: `${RS}-x2x9k`, reason: 'NotReady', message: 'containers with unready status: [web]' }] },
  },
  {
    name: 'readiness deadline exceeded with an unschedulable pod',
    observation: observe(
      deployment({ replicas: 1, status: { readyReplicas: 0, availableReplicas: 0 } }),
      [pod(`${RS}-x2x9k`, { unschedulable: '0/1 nodes are available: 1 Insufficient memory.' })],
      { now: at(400) },
    ),
    expected: { state: 'failed', reason: 'ReadinessDeadlineExceeded', pods: [{ pod: `${RS}-x2x9k`, reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient memory.' }] },
  },
  {
    name: 'CrashLoopBackOff',
    observation: observe(deployment({ status: inProgress }), [pod(`${RS}-x2x9k`), pod(`${RS}-q8m4z`, { containers: [crashLoop()] })]),
    expected: {
      state: 'failed', reason: 'CrashLoopBackOff',
      message: `pod ${RS}-q8m4z container web: CrashLoopBackOff (restarted 3 times): back-off 10s restarting failed container`,
      pods: [{ pod: `${RS}-q8m4z`, container: 'web', reason: 'CrashLoopBackOff', restartCount: 3 }],
    },
  },
  {
    name: 'CrashLoopBackOff after OOM: the last exit is in the message',
    observation: observe(deployment({ replicas: 1, status: { readyReplicas: 0, availableReplicas: 0 } }), [
      pod(`${RS}-x2x9k`, { containers: [waiting('web', 'CrashLoopBackOff', BACKOFF, { restartCount: 2, lastExit: { exitCode: 137, reason: 'OOMKilled' } })] }),
    ]),
    expected: { state: 'failed', reason: 'CrashLoopBackOff', message: 'last exit code 137 (OOMKilled)' },
  },
  // A real kubelet, container exiting 1 (`kubectl get pod -w`: Running 0, Error 0, Running 1,
  // Error 1, CrashLoopBackOff 1, Running 2, Error 2, ...): between back-offs the status is mostly
  // `terminated`, so the crash loop must be seen there too, not only in `waiting`.
  ...kubeletCrashLoop(),
  {
    name: 'real kubelet: a container that exits 0 under restartPolicy Always (Completed) is a crash loop too',
    observation: observe(deployment({ replicas: 1, status: { readyReplicas: 0, availableReplicas: 0 } }), [
      pod(`${RS}-x2x9k`, { phase: 'Running', containers: [terminated('web', { exitCode: 0, reason: 'Completed' }, { restartCount: 1, lastExit: { exitCode: 0, reason: 'Completed' } })] }),
    ]),
    expected: {
      state: 'failed', reason: 'CrashLoopBackOff',
      message: `pod ${RS}-x2x9k container web: CrashLoopBackOff (restarted 1 time): exited with code 0 (Completed) and is being restarted; last exit code 0 (Completed)`,
      pods: [{ pod: `${RS}-x2x9k`, container: 'web', reason: 'CrashLoopBackOff', restartCount: 1 }],
    },
  },
  {
    name: 'real kubelet: OOMKilled between back-offs, exit code and reason in the message',
    observation: observe(deployment({ replicas: 1, status: { readyReplicas: 0, availableReplicas: 0 } }), [
      pod(`${RS}-x2x9k`, { phase: 'Running', containers: [terminated('web', { exitCode: 137, reason: 'OOMKilled' }, { restartCount: 2, lastExit: { exitCode: 137, reason: 'OOMKilled' } })] }),
    ]),
    expected: { state: 'failed', reason: 'CrashLoopBackOff', message: 'exited with code 137 (OOMKilled) and is being restarted; last exit code 137 (OOMKilled)' },
  },
  {
    name: 'real kubelet: an init container that failed once and then finished with 0 is done, not crashing',
    observation: observe(deployment({ replicas: 1, status: { readyReplicas: 0, availableReplicas: 0 } }), [
      pod(`${RS}-x2x9k`, {
        init: [terminated('migrate', { exitCode: 0, reason: 'Completed' }, { restartCount: 1, lastExit: { exitCode: 1, reason: 'Error' } })],
        containers: [running('web', { ready: false })],
      }),
    ]),
    expected: { state: 'deploying', reason: 'Progressing' },
  },
  {
    name: 'real kubelet: an init container terminated with Error again after a restart',
    observation: observe(deployment({ replicas: 1, status: { readyReplicas: 0, availableReplicas: 0 } }), [
      pod(`${RS}-x2x9k`, {
        phase: 'Pending',
        init: [terminated('migrate', { exitCode: 2, reason: 'Error' }, { restartCount: 1, lastExit: { exitCode: 2, reason: 'Error' } })],
        containers: [waiting('web', 'PodInitializing')],
      }),
    ]),
    expected: { state: 'failed', reason: 'CrashLoopBackOff', message: 'container migrate: CrashLoopBackOff (restarted 1 time): exited with code 2 (Error)' },
  },
  {
    name: 'every crashing pod is collected; the message names the first',
    observation: observe(deployment({ status: { readyReplicas: 0, availableReplicas: 0 } }), [
      pod(`${RS}-x2x9k`, { containers: [crashLoop('web', 4)] }),
      pod(`${RS}-q8m4z`, { containers: [crashLoop('web', 2)] }),
    ]),
    expected: {
      state: 'failed', reason: 'CrashLoopBackOff', message: `pod ${RS}-x2x9k container web: CrashLoopBackOff (restarted 4 times)`,
      pods: [{ pod: `${RS}-x2x9k`, restartCount: 4 }, { pod: `${RS}-q8m4z`, restartCount: 2 }],
    },
  },
  {
    name: 'restarts >= maxRestarts while currently Running and ready',
    observation: observe(deployment(), [
      pod(`${RS}-x2x9k`, { containers: [running('web', { restartCount: 5, lastExit: { exitCode: 1, reason: 'Error' } })] }),
      pod(`${RS}-q8m4z`),
    ]),
    expected: {
      state: 'failed', reason: 'RestartsExceeded', message: 'restarted 5 times): limit 5; last exit code 1 (Error)',
      pods: [{ pod: `${RS}-x2x9k`, container: 'web', reason: 'RestartsExceeded', restartCount: 5 }],
    },
  },
  {
    name: 'restarts below maxRestarts do not fail a ready rollout',
    observation: observe(deployment(), [pod(`${RS}-x2x9k`, { containers: [running('web', { restartCount: 4 })] }), pod(`${RS}-q8m4z`)]),
    expected: { state: 'ready', reason: 'Available', pods: [] },
  },
  {
    name: 'maxRestarts 0 disables the restart check',
    observation: observe(deployment(), [pod(`${RS}-x2x9k`, { containers: [running('web', { restartCount: 9 })] }), pod(`${RS}-q8m4z`)], { maxRestarts: 0 }),
    expected: { state: 'ready', reason: 'Available' },
  },
  {
    name: 'ImagePullBackOff, still failing 30 s after the pod started',
    observation: observe(deployment({ replicas: 1, status: { readyReplicas: 0, availableReplicas: 0 } }), [
      pod(`${RS}-x2x9k`, { containers: [waiting('web', 'ImagePullBackOff', `Back-off pulling image "${IMAGE}"`)] }),
    ], { now: at(40) }),
    expected: { state: 'failed', reason: 'ImagePullBackOff', message: 'Back-off pulling image', pods: [{ pod: `${RS}-x2x9k`, container: 'web', reason: 'ImagePullBackOff' }] },
  },
  {
    // Seen on the real node: the Node authorizer had not yet linked the new pod to its pull
    // secret, the kubelet pulled without credentials, and its retry 13 s later succeeded.
    name: 'a 401 pull within 30 s of the pod starting is a wait: the kubelet retries',
    observation: observe(deployment({ replicas: 1, status: { readyReplicas: 0, availableReplicas: 0 } }), [
      pod(`${RS}-x2x9k`, { containers: [waiting('web', 'ErrImagePull', `failed to pull and unpack image "${IMAGE}": pulling from host 127.0.0.1:5000 failed with status code [manifests sha256:a6]: 401 Unauthorized`)] }),
    ], { now: at(39) }),
    expected: { state: 'deploying', reason: 'Progressing', pods: [{ pod: `${RS}-x2x9k`, reason: 'NotReady' }] },
  },
  {
    name: 'the same 401 at 30 s: the credentials are wrong',
    observation: observe(deployment({ replicas: 1, status: { readyReplicas: 0, availableReplicas: 0 } }), [
      pod(`${RS}-x2x9k`, { containers: [waiting('web', 'ImagePullBackOff', `Back-off pulling image "${IMAGE}": ErrImagePull: failed to pull and unpack image "${IMAGE}": 401 Unauthorized`)] }),
    ], { now: at(40) }),
    expected: { state: 'failed', reason: 'ImagePullBackOff', message: '401 Unauthorized', pods: [{ pod: `${RS}-x2x9k`, reason: 'ImagePullBackOff' }] },
  },
  {
    name: 'an image the registry does not have fails at once',
    observation: observe(deployment({ replicas: 1, status: { readyReplicas: 0, availableReplicas: 0 } }), [
      pod(`${RS}-x2x9k`, { containers: [waiting('web', 'ErrImagePull', `failed to resolve reference "${IMAGE}": ${IMAGE}: not found`)] }),
    ], { now: at(11) }),
    expected: { state: 'failed', reason: 'ErrImagePull', pods: [{ pod: `${RS}-x2x9k`, reason: 'ErrImagePull' }] },
  },
  {
    name: 'ErrImagePull',
    observation: observe(deployment({ replicas: 1, status: { readyReplicas: 0, availableReplicas: 0 } }), [
      pod(`${RS}-x2x9k`, { containers: [waiting('web', 'ErrImagePull', `failed to pull and unpack image "${IMAGE}": not found`)] }),
    ]),
    expected: { state: 'failed', reason: 'ErrImagePull', pods: [{ pod: `${RS}-x2x9k`, container: 'web', reason: 'ErrImagePull' }] },
  },
  {
    name: 'CreateContainerConfigError (missing secret)',
    observation: observe(deployment({ replicas: 1, status: { readyReplicas: 0, availableReplicas: 0 } }), [
      pod(`${RS}-x2x9k`, { containers: [waiting('web', 'CreateContainerConfigError', 'secret "web-env" not found')] }),
    ]),
    expected: { state: 'failed', reason: 'CreateContainerConfigError', message: 'secret "web-env" not found', pods: [{ pod: `${RS}-x2x9k`, reason: 'CreateContainerConfigError' }] },
  },
  {
    // Seen on the real node: a pod created moments after its env ConfigMap; the kubelet's next sync started it.
    name: "the kubelet's ConfigMap cache not synced yet, within 30 s: a wait",
    observation: observe(deployment({ replicas: 1, status: { readyReplicas: 0, availableReplicas: 0 } }), [
      pod(`${RS}-x2x9k`, { containers: [waiting('web', 'CreateContainerConfigError', 'failed to sync configmap cache: timed out waiting for the condition')] }),
    ], { now: at(39) }),
    expected: { state: 'deploying', reason: 'Progressing', pods: [{ pod: `${RS}-x2x9k`, reason: 'NotReady' }] },
  },
  {
    name: 'the same unsynced cache at 30 s: failed, quoting the kubelet',
    observation: observe(deployment({ replicas: 1, status: { readyReplicas: 0, availableReplicas: 0 } }), [
      pod(`${RS}-x2x9k`, { containers: [waiting('web', 'CreateContainerConfigError', 'failed to sync secret cache: timed out waiting for the condition')] }),
    ], { now: at(40) }),
    expected: { state: 'failed', reason: 'CreateContainerConfigError', message: 'failed to sync secret cache', pods: [{ pod: `${RS}-x2x9k`, reason: 'CreateContainerConfigError' }] },
  },
  {
    name: 'init container CrashLoopBackOff while the app container waits in PodInitializing',
    observation: observe(deployment({ replicas: 1, status: { readyReplicas: 0, availableReplicas: 0 } }), [
      pod(`${RS}-x2x9k`, { phase: 'Pending', init: [crashLoop('migrate', 3)], containers: [waiting('web', 'PodInitializing')] }),
    ]),
    expected: { state: 'failed', reason: 'CrashLoopBackOff', message: 'container migrate', pods: [{ pod: `${RS}-x2x9k`, container: 'migrate', reason: 'CrashLoopBackOff' }] },
  },
  {
    name: 'evicted pod: PodFailed',
    observation: observe(deployment({ status: inProgress }), [
      pod(`${RS}-x2x9k`),
      pod(`${RS}-q8m4z`, { phase: 'Failed', containers: [], statusReason: { reason: 'Evicted', message: 'The node was low on resource: memory.' } }),
    ]),
    expected: { state: 'failed', reason: 'PodFailed', message: 'Evicted: The node was low on resource: memory.', pods: [{ pod: `${RS}-q8m4z`, reason: 'PodFailed' }] },
  },
  {
    name: 'ContainerCreating is a wait, not a failure',
    observation: observe(deployment({ status: inProgress }), [pod(`${RS}-x2x9k`), pod(`${RS}-q8m4z`, { containers: [waiting('web', 'ContainerCreating')] })]),
    expected: { state: 'deploying', reason: 'Progressing', pods: [{ pod: `${RS}-q8m4z`, reason: 'NotReady' }] },
  },
  {
    name: 'terminating crash-looping pod is ignored',
    observation: observe(deployment(), [...readyPods, pod(`${RS}-zz7lp`, { terminating: true, containers: [crashLoop('web', 6)] })]),
    expected: { state: 'ready', reason: 'Available', pods: [] },
  },
  {
    name: 'ProgressDeadlineExceeded',
    observation: observe(
      deployment({ status: inProgress, conditions: [condition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'), progressing('ProgressDeadlineExceeded')] }),
      oneReady,
    ),
    expected: { state: 'failed', reason: 'ProgressDeadlineExceeded', message: 'has timed out progressing' },
  },
  {
    name: 'ProgressDeadlineExceeded left over from the previous generation is not judged',
    observation: observe(
      deployment({ generation: 4, observedGeneration: 3, status: inProgress, conditions: [progressing('ProgressDeadlineExceeded')] }),
      oneReady,
    ),
    expected: { state: 'deploying', reason: 'Progressing' },
  },
  {
    name: 'ReplicaFailure (quota) with the condition message',
    observation: observe(
      deployment({
        status: { replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 },
        conditions: [
          condition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
          progressing('ReplicaSetUpdated'),
          condition('ReplicaFailure', 'True', 'FailedCreate', `pods "${RS}-" is forbidden: exceeded quota: shop-quota, requested: limits.memory=512Mi, used: limits.memory=1Gi, limited: limits.memory=1Gi`),
        ],
      }),
      [pod(`${RS}-x2x9k`)],
    ),
    expected: { state: 'failed', reason: 'ReplicaFailure', message: 'deployment web: FailedCreate: pods "web-7d9c5b8f4-" is forbidden: exceeded quota' },
  },
  {
    name: 'ReplicaFailure left on an old ReplicaSet once every replica runs the current template (after a rollback)',
    observation: observe(
      deployment({
        conditions: [
          condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'),
          progressing('NewReplicaSetAvailable'),
          condition('ReplicaFailure', 'True', 'FailedCreate', 'pods "web-5c6d7e8f9-" is forbidden: exceeded quota: one-pod, requested: pods=1, used: pods=1, limited: pods=1'),
        ],
      }),
      [pod(`${RS}-x2x9k`), pod(`${RS}-q8m4z`)],
    ),
    expected: { state: 'ready', reason: 'Available' },
  },
  {
    name: 'Argo Rollouts #3765 trap: Progressing=True/ReplicaSetUpdated freshly updated while a pod crash-loops',
    observation: observe(
      deployment({
        status: inProgress,
        conditions: [condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'), progressing('ReplicaSetUpdated', at(89))],
      }),
      [pod(`${RS}-x2x9k`), pod(`${RS}-q8m4z`, { containers: [crashLoop('web', 7)] })],
    ),
    expected: { state: 'failed', reason: 'CrashLoopBackOff', pods: [{ pod: `${RS}-q8m4z`, container: 'web', reason: 'CrashLoopBackOff', restartCount: 7 }] },
  },
  {
    name: 'StatefulSet with currentRevision != updateRevision',
    observation: observe(statefulSet({ status: { updatedReplicas: 1, currentRevision: 'db-5f7c9d8b6c', updateRevision: 'db-6d8e0f9c7d' } }), [pod('db-0'), pod('db-1')]),
    expected: { state: 'deploying', reason: 'Progressing', message: 'waiting: 2 of 2 replicas ready, 1 updated' },
  },
  {
    name: 'StatefulSet with all pods updated but the revision not yet promoted',
    observation: observe(statefulSet({ status: { currentRevision: 'db-5f7c9d8b6c', updateRevision: 'db-6d8e0f9c7d' } }), [pod('db-0'), pod('db-1')]),
    expected: { state: 'deploying', reason: 'Progressing' },
  },
  {
    name: 'StatefulSet pod crash loop',
    observation: observe(statefulSet({ status: { readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1 } }), [
      pod('db-0'),
      pod('db-1', { containers: [crashLoop('postgresql', 3)] }),
    ]),
    expected: { state: 'failed', reason: 'CrashLoopBackOff', pods: [{ pod: 'db-1', container: 'postgresql', reason: 'CrashLoopBackOff' }] },
  },
  {
    name: 'StatefulSet that cannot create its pods: deadline message carries the FailedCreate event',
    observation: observe(
      statefulSet({ replicas: 1, status: { replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0 } }),
      [],
      { now: at(301), events: [event('StatefulSet', 'db', 'FailedCreate', 'create Pod db-0 in StatefulSet db failed error: pods "db-0" is forbidden: exceeded quota: shop-quota', 200)] },
    ),
    expected: { state: 'failed', reason: 'ReadinessDeadlineExceeded', message: 'StatefulSet db: FailedCreate: create Pod db-0', pods: [] },
  },
];

// issue 19, the ReadWriteOnce trap: a pod in ContainerCreating waiting on a volume attach. The
// Event texts are the attach-detach controller's (reconciler.go) and the kubelet's (volume_manager.go).
const PVC = 'pvc-3f1c2b7a-9d4e-4c1a-b8f2-6e0d5a7c9b13';
const multiAttach = (users: string) => `Multi-Attach error for volume "${PVC}" Volume is already used by pod(s) ${users}`;
const EXCLUSIVE = `Multi-Attach error for volume "${PVC}" Volume is already exclusively attached to one node and can't be attached to another`;
const creating = (name: string, o: { uid?: string; terminating?: boolean } = {}): V1Pod => {
  const p = pod(name, { containers: [waiting(name.startsWith('db') ? 'postgresql' : 'web', 'ContainerCreating')], ...(o.terminating ? { terminating: true } : {}) });
  p.spec = { ...p.spec!, volumes: [{ name: 'vol-data', persistentVolumeClaim: { claimName: 'web-data' } }, { name: 'config', configMap: { name: 'web-env' } }] };
  if (o.uid) p.metadata = { ...p.metadata, uid: o.uid };
  return p;
};
/** An Event first seen `seconds - 30` after T0 and last at `seconds` (event()), on the pod with that uid when given. */
const podEvent = (name: string, reason: string, message: string, seconds: number, uid?: string): CoreV1Event => {
  const e = event('Pod', name, reason, message, seconds);
  return { ...e, involvedObject: { ...e.involvedObject, ...(uid ? { uid } : {}) }, source: { component: reason === 'FailedMount' ? 'kubelet' : 'attachdetach-controller' } };
};
const twoPods = (stuckName = `${RS}-q8m4z`) => [pod(`${RS}-x2x9k`), creating(stuckName)];
const oneOfTwo = deployment({ status: inProgress });

const attachCases: Case[] = [
  {
    name: 'Multi-Attach naming a pod of this release (replicas 2 on one ReadWriteOnce claim): failed at once, quoting the Event',
    observation: observe(oneOfTwo, twoPods(), { now: at(21), events: [podEvent(`${RS}-q8m4z`, 'FailedAttachVolume', multiAttach(`${RS}-x2x9k`), 20)] }),
    expected: {
      state: 'failed', reason: 'VolumeAttachFailed',
      message: `pod ${RS}-q8m4z: VolumeAttachFailed: FailedAttachVolume: ${multiAttach(`${RS}-x2x9k`)} (a ReadWriteOnce volume attaches to one node at a time)`,
      pods: [{ pod: `${RS}-q8m4z`, reason: 'VolumeAttachFailed' }],
    },
  },
  {
    name: 'Multi-Attach naming a pod of another release (the old pod of a rolling update), 30 s in: still a wait',
    observation: observe(deployment({ replicas: 1, status: { readyReplicas: 0, availableReplicas: 0 } }), [creating(`${RS}-q8m4z`)], { now: at(40), events: [podEvent(`${RS}-q8m4z`, 'FailedAttachVolume', multiAttach('web-5c6d7e8f9-h7k2p'), 40)] }),
    expected: { state: 'deploying', reason: 'Progressing', pods: [{ pod: `${RS}-q8m4z`, reason: 'NotReady', message: `FailedAttachVolume: ${multiAttach('web-5c6d7e8f9-h7k2p')}` }] },
  },
  {
    name: 'the same Multi-Attach, first seen 61 s ago: failed',
    observation: observe(deployment({ replicas: 1, status: { readyReplicas: 0, availableReplicas: 0 } }), [creating(`${RS}-q8m4z`)], { now: at(131), events: [podEvent(`${RS}-q8m4z`, 'FailedAttachVolume', multiAttach('web-5c6d7e8f9-h7k2p'), 100)] }),
    expected: { state: 'failed', reason: 'VolumeAttachFailed', message: 'Volume is already used by pod(s) web-5c6d7e8f9-h7k2p', pods: [{ pod: `${RS}-q8m4z`, reason: 'VolumeAttachFailed' }] },
  },
  {
    name: 'a volume still attached to the node its last pod left (detach pending), 45 s in: a wait',
    observation: observe(oneOfTwo, twoPods(), { now: at(45), events: [podEvent(`${RS}-q8m4z`, 'FailedAttachVolume', EXCLUSIVE, 44)] }),
    expected: { state: 'deploying', reason: 'Progressing' },
  },
  {
    name: 'a driver attach error kept up past the retry window: failed',
    observation: observe(oneOfTwo, twoPods(), {
      now: at(131),
      events: [podEvent(`${RS}-q8m4z`, 'FailedAttachVolume', `AttachVolume.Attach failed for volume "${PVC}" : rpc error: code = Internal desc = Could not attach volume: disk is in another zone`, 100)],
    }),
    expected: { state: 'failed', reason: 'VolumeAttachFailed', message: 'FailedAttachVolume: AttachVolume.Attach failed' },
  },
  {
    name: 'FailedMount: the kubelet timed out waiting for the claim to attach: failed at once',
    observation: observe(oneOfTwo, twoPods(), {
      now: at(130),
      events: [podEvent(`${RS}-q8m4z`, 'FailedMount', 'Unable to attach or mount volumes: unmounted volumes=[vol-data], unattached volumes=[vol-data config kube-api-access-8x2lp]: timed out waiting for the condition', 129)],
    }),
    expected: { state: 'failed', reason: 'VolumeAttachFailed', message: 'FailedMount: Unable to attach or mount volumes' },
  },
  {
    name: 'FailedMount: WaitForAttach failed: failed at once',
    observation: observe(oneOfTwo, twoPods(), { now: at(30), events: [podEvent(`${RS}-q8m4z`, 'FailedMount', `MountVolume.WaitForAttach failed for volume "${PVC}" : volume attachment is being deleted`, 29)] }),
    expected: { state: 'failed', reason: 'VolumeAttachFailed', message: 'WaitForAttach failed' },
  },
  {
    name: 'FailedMount timing out on volumes that are no claim (a ConfigMap): not an attach, a wait',
    observation: observe(oneOfTwo, twoPods(), {
      now: at(130),
      events: [podEvent(`${RS}-q8m4z`, 'FailedMount', 'Unable to attach or mount volumes: unmounted volumes=[config], unattached volumes=[config]: timed out waiting for the condition', 129)],
    }),
    expected: { state: 'deploying', reason: 'Progressing' },
  },
  {
    name: 'a Multi-Attach Event from before the rollout started belongs to an earlier release',
    observation: observe(oneOfTwo, twoPods(), { startedAt: at(60), now: at(70), events: [podEvent(`${RS}-q8m4z`, 'FailedAttachVolume', multiAttach(`${RS}-x2x9k`), 50)] }),
    expected: { state: 'deploying', reason: 'Progressing' },
  },
  {
    name: 'a pod whose container started after the Multi-Attach (the attach went through) is not stuck',
    observation: observe(oneOfTwo, oneReady, { now: at(21), events: [podEvent(`${RS}-q8m4z`, 'FailedAttachVolume', multiAttach(`${RS}-x2x9k`), 20)] }),
    expected: { state: 'deploying', reason: 'Progressing' },
  },
  {
    name: 'a terminating pod with a Multi-Attach is ignored',
    observation: observe(oneOfTwo, [pod(`${RS}-x2x9k`), creating(`${RS}-q8m4z`, { terminating: true })], { now: at(21), events: [podEvent(`${RS}-q8m4z`, 'FailedAttachVolume', multiAttach(`${RS}-x2x9k`), 20)] }),
    expected: { state: 'deploying', reason: 'Progressing' },
  },
  {
    name: 'StatefulSet db-1 recreated under the same name: an Event of the earlier db-1 (another uid) is not about it',
    observation: observe(statefulSet({ status: { readyReplicas: 1, availableReplicas: 1 } }), [pod('db-0'), creating('db-1', { uid: 'uid-db-1-new' })], {
      now: at(21),
      events: [podEvent('db-1', 'FailedAttachVolume', multiAttach('db-0'), 20, 'uid-db-1-old')],
    }),
    expected: { state: 'deploying', reason: 'Progressing' },
  },
  {
    name: 'StatefulSet pods sharing one ReadWriteOnce claim (an app volume is one claim for every pod): failed at once',
    observation: observe(statefulSet({ status: { readyReplicas: 1, availableReplicas: 1 } }), [pod('db-0'), creating('db-1', { uid: 'uid-db-1-new' })], {
      now: at(21),
      events: [podEvent('db-1', 'FailedAttachVolume', multiAttach('db-0'), 20, 'uid-db-1-new')],
    }),
    expected: { state: 'failed', reason: 'VolumeAttachFailed', pods: [{ pod: 'db-1', reason: 'VolumeAttachFailed' }] },
  },
];

describe('checkWorkloadStatus', () => {
  test.each(attachCases)('volume attach: $name', ({ observation, expected }) => {
    const status = checkWorkloadStatus(observation);
    expect(status.state).toBe(expected.state);
    expect(status.reason).toBe(expected.reason);
    if (expected.pods) expect(status.pods).toMatchObject(expected.pods);
    if (expected.message) expect(status.message).toContain(expected.message);
  });

  test.each(cases)('$name', ({ observation, expected }) => {
    const status = checkWorkloadStatus(observation);
    expect(status.state).toBe(expected.state);
    expect(status.reason).toBe(expected.reason);
    if (expected.pods) expect(status.pods).toMatchObject(expected.pods);
    if (expected.message) expect(status.message).toContain(expected.message);
  });
});
