// The release record as JSON Schema. The Release types in src/store/types.ts are these schemas' static types.
import { Type } from 'typebox';
import { deployConfigSchema } from './deploy-config.js';
import { closed, mapOf, opaqueObject, stringEnum } from './type-helpers.js';

/**
 * pending → deploying → current, then superseded by the next current release (rolled-back when
 * that one was a rollback); failed when its rollout or a hook failed it.
 */
export const releaseStatusSchema = stringEnum(['pending', 'deploying', 'current', 'superseded', 'failed', 'rolled-back']);

export const releaseTriggerSchema = Type.Object(
  {
    kind: stringEnum(['webhook', 'api', 'cli', 'rollback', 'config', 'restart']),
    buildId: Type.Optional(Type.String()),
    rollbackOf: Type.Optional(Type.Integer({ description: 'For a rollback: the release whose spec this one restores.' })),
  },
  closed,
);

export const hookRunSchema = Type.Object(
  {
    phase: stringEnum(['pre', 'post']),
    job: Type.String(),
    state: stringEnum(['running', 'succeeded', 'failed']),
    reason: Type.Optional(
      Type.String({ description: "Job condition reason (BackoffLimitExceeded, DeadlineExceeded) or a container's (Error, ErrImagePull)." }),
    ),
    message: Type.Optional(Type.String()),
    pod: Type.Optional(Type.String()),
    exitCode: Type.Optional(Type.Integer()),
    conditions: Type.Optional(
      Type.Array(
        Type.Object({ type: Type.String(), status: Type.String(), reason: Type.Optional(Type.String()), message: Type.Optional(Type.String()) }, closed),
      ),
    ),
    log: Type.Optional(Type.String({ description: "The pod's log when the cluster could give it; else `logError` says why not." })),
    logError: Type.Optional(Type.String()),
    startedAt: Type.String(),
    finishedAt: Type.Optional(Type.String()),
  },
  { ...closed, description: 'What one hook Job came to, kept on the release.' },
);

export const preHookChoiceSchema = Type.Object(
  {
    source: stringEnum(['deploy-config', 'procfile']),
    command: Type.Array(Type.String()),
    reason: Type.String(),
  },
  { ...closed, description: "Which pre hook the release runs and why: the app's deploy.hooks.pre, else its image's Procfile `release:` command." },
);

const podProblem = Type.Object(
  {
    pod: Type.String(),
    container: Type.Optional(Type.String()),
    reason: Type.String(),
    message: Type.Optional(Type.String()),
    restartCount: Type.Optional(Type.Integer()),
    exitCode: Type.Optional(Type.Integer({ description: "A crashed container's last exit code." })),
    log: Type.Optional(Type.String({ description: "A crashed container's last log lines (its previous run), read through the API server." })),
  },
  closed,
);

const latencySchema = Type.Object(
  { p50: Type.Number(), p90: Type.Number(), p99: Type.Number(), max: Type.Number() },
  { ...closed, description: 'Milliseconds, of the requests that got an answer.' },
);

export const verificationSchema = Type.Object(
  {
    state: stringEnum(['passed', 'failed', 'off']),
    message: Type.String(),
    path: Type.Optional(Type.String()),
    port: Type.Optional(Type.Integer()),
    requests: Type.Optional(Type.Integer({ description: 'Requests sent; fewer than asked when the verdict was certain early.' })),
    failed: Type.Optional(Type.Integer({ description: 'Answered 5xx, timed out or could not reach the pod.' })),
    maxFailedPercent: Type.Optional(Type.Integer()),
    statuses: Type.Optional(mapOf(Type.Integer(), { description: 'How many answers had each HTTP status.' })),
    timeouts: Type.Optional(Type.Integer()),
    unreachable: Type.Optional(Type.Integer({ description: 'The API server could not reach the pod (its own 502/503 Status).' })),
    latencyMs: Type.Optional(latencySchema),
    pods: Type.Optional(Type.Array(Type.String())),
    firstFailure: Type.Optional(
      Type.Object(
        { pod: Type.String(), status: Type.Optional(Type.Integer()), error: Type.Optional(Type.String()), body: Type.Optional(Type.String()) },
        { ...closed, description: 'The first failed request: its status and the start of its body, or the error.' },
      ),
    ),
    startedAt: Type.Optional(Type.String()),
    finishedAt: Type.Optional(Type.String()),
  },
  { ...closed, description: "What the release's verification by real HTTP requests came to." },
);

export const metricResultSchema = Type.Object(
  {
    state: stringEnum(['passed', 'failed']),
    query: Type.String({ description: 'The query as asked, its variables replaced.' }),
    value: Type.Optional(Type.Number({ description: 'The first value of the answer; none when it was empty.' })),
    max: Type.Number(),
    message: Type.String(),
    at: Type.String(),
  },
  { ...closed, description: "What the strategy's Prometheus query answered at a step." },
);

export const stepAnalysisSchema = Type.Object(
  {
    step: Type.Integer({ description: 'Blue-green: 1 (the preview). Canary: the step, from 1.' }),
    weight: Type.Integer({ description: 'The traffic share (percent) the step asked for.' }),
    share: Type.Integer({ description: "The release's share of the app's pods, so of the traffic the Service spreads over them (percent): the replica ratio without a traffic router." }),
    replicas: Type.Object({ release: Type.Integer(), stable: Type.Integer() }, closed),
    state: stringEnum(['running', 'passed', 'failed']),
    message: Type.String(),
    restarts: Type.Integer({ description: "Container restarts of the release's pods seen by the analysis." }),
    verification: Type.Optional(verificationSchema),
    metric: Type.Optional(metricResultSchema),
    startedAt: Type.String(),
    finishedAt: Type.Optional(Type.String()),
  },
  { ...closed, description: "One step's analysis: the release's pods ready and not restarting, and its verification by real requests." },
);

export const progressSchema = Type.Object(
  {
    strategy: stringEnum(['BlueGreen', 'Canary']),
    stable: Type.Optional(Type.Integer({ description: 'The release that served when this one started, and serves the rest of the traffic until the promotion.' })),
    phase: stringEnum(['starting', 'analysing', 'paused', 'awaiting-promotion', 'promoted', 'scaling-down', 'done', 'aborted'], {
      description:
        'analysing: a step is being judged; paused: a canary step holds until pausedUntil; awaiting-promotion: a manual gate; promoted: all traffic is on the release; scaling-down: blue-green keeps the previous release scaled until scaleDownAt for an instant abort; aborted: all traffic went back to the stable release.',
    }),
    step: Type.Integer({ description: 'The current step, from 1.' }),
    steps: Type.Array(Type.Integer(), { description: 'The traffic share of each step: [100] for blue-green.' }),
    share: Type.Integer({ description: "The release's share of the traffic now (percent)." }),
    gateway: Type.Optional(Type.String({ description: 'Canary behind a Gateway API router (`namespace/name`): the share is the route weight, exact; without, the replica ratio.' })),
    replicas: Type.Object({ release: Type.Integer(), stable: Type.Integer() }, closed),
    pausedUntil: Type.Optional(Type.String()),
    scaleDownAt: Type.Optional(Type.String()),
    switchedAt: Type.Optional(Type.String({ description: "Blue-green: when the app's Service was switched to this release." })),
    analyses: Type.Array(stepAnalysisSchema),
    events: Type.Array(Type.Object({ at: Type.String(), message: Type.String() }, closed), { description: 'What the rollout did, oldest first: steps, pauses, promotions, the switch, an abort.' }),
  },
  { ...closed, description: 'A blue-green or canary rollout: where it stands and what each step found.' },
);

export const releaseSchema = Type.Object(
  {
    app: Type.String(),
    number: Type.Integer(),
    image: Type.String(),
    commit: Type.Optional(Type.String({ description: "The full sha of the commit the image was built from (its build's, or the release it restores or repeats); none for an image deployed by digest. Labelled `slipway.dev/commit` on the release's objects." })),
    config: deployConfigSchema,
    port: Type.Integer(),
    configHash: Type.String(),
    // The Kubernetes objects exactly as applied: Slipway keeps every field of them.
    manifests: Type.Array(opaqueObject()),
    status: releaseStatusSchema,
    trigger: releaseTriggerSchema,
    failure: Type.Optional(
      Type.Object(
        {
          reason: Type.String(),
          message: Type.String(),
          pods: Type.Array(podProblem),
          detectedAt: Type.String({ description: 'When the rollout was judged failed (the rollback decision).' }),
        },
        { ...closed, description: 'Why it failed (a stable reason such as CrashLoopBackOff) and what Kubernetes said.' },
      ),
    ),
    rolledBackTo: Type.Optional(
      Type.Object(
        {
          number: Type.Integer(),
          ready: Type.Boolean(),
          message: Type.String(),
          settledAt: Type.String(),
          reverted: Type.Optional(
            Type.Array(Type.String(), {
              description: "What reverting the app's stored config to the restored release's changed, in plain words (`env FOO removed`, `readiness probe restored`); env and secret names only, never values.",
            }),
          ),
          configKept: Type.Optional(Type.String({ description: "Why the app's stored config was not reverted: it was changed again after this release." })),
          pruned: Type.Optional(
            Type.Array(Type.String(), { description: 'Objects only this release had created, deleted after the rollback (`Ingress web`, `PersistentVolumeClaim web-data`).' }),
          ),
          pruneError: Type.Optional(Type.String({ description: "Why deleting this release's own objects failed; they are left in the cluster." })),
        },
        { ...closed, description: "A failed release: which release was re-applied, whether and when it was ready again, and how the app's config and objects were brought back to it." },
      ),
    ),
    restartedAt: Type.Optional(Type.String({ description: 'A restart: the pod-template timestamp that makes every pod be replaced.' })),
    verification: Type.Optional(verificationSchema),
    progress: Type.Optional(progressSchema),
    hooks: Type.Optional(Type.Object({ pre: Type.Optional(hookRunSchema), post: Type.Optional(hookRunSchema) }, closed)),
    releaseCommand: Type.Optional(Type.String({ description: "The Procfile `release:` command of the build behind the release's image." })),
    preHook: Type.Optional(preHookChoiceSchema),
    createdAt: Type.String(),
    startedAt: Type.Optional(Type.String()),
    finishedAt: Type.Optional(Type.String()),
  },
  { ...closed, description: 'A numbered, immutable deployable: image digest + config + the exact manifests applied.' },
);
