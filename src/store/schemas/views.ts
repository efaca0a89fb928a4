// Shapes the API answers with that are not stored records, as JSON Schema. The types in
// src/store/views.ts are these schemas' static types.
import { Type, type TProperties } from 'typebox';
import { volumeSpecSchema } from './deploy-config.js';
import { closed, orNull, stringEnum } from './type-helpers.js';

const count = () => Type.Integer();

/** What a running workload's replicas say; an app adds `not-deployed` (no workload at all). */
const WORKLOAD_HEALTH = ['healthy', 'degraded', 'down', 'stopped'] as const;
export const healthStateSchema = stringEnum([...WORKLOAD_HEALTH, 'not-deployed']);

export const podHealthSchema = Type.Object(
  {
    name: Type.String(),
    phase: Type.String(),
    ready: Type.Boolean(),
    restarts: count(),
    release: Type.Optional(Type.String({ description: 'The release label of the pod (which release it runs).' })),
    reason: Type.Optional(Type.String({ description: 'Why a container is not running (CrashLoopBackOff, ImagePullBackOff, ...).' })),
  },
  closed,
);

const healthFields = {
  state: healthStateSchema,
  kind: Type.Optional(Type.String()),
  namespace: Type.String(),
  desired: count(),
  ready: count(),
  updated: count(),
  available: count(),
  pods: Type.Array(podHealthSchema),
};

export const appHealthSchema = Type.Object(healthFields, closed);

/** GET /apps/:app/status: the app's health with the release that should be running. */
export const appStatusSchema = Type.Object({ app: Type.String(), ...healthFields, currentRelease: orNull(Type.Integer()) }, closed);

const named = <P extends TProperties>(properties: P, description?: string) =>
  Type.Array(Type.Object({ name: Type.String(), ...properties }, closed), description ? { description } : {});

/** GET /databases: one workload a template provisioned. */
export const provisionedDatabaseSchema = Type.Object(
  {
    namespace: Type.String(),
    name: Type.String(),
    kind: Type.String(),
    template: Type.String(),
    image: Type.Optional(Type.String()),
    desired: count(),
    ready: count(),
    state: stringEnum([...WORKLOAD_HEALTH]),
    secrets: named({ keys: Type.Array(Type.String()) }, 'Secrets the pods read (what an app links to with --link-db): names and keys, never values.'),
    services: named({ ports: Type.Array(Type.Integer()) }),
    volumes: named({ phase: Type.Optional(Type.String()), capacity: Type.Optional(Type.String()) }),
    createdAt: Type.Optional(Type.String()),
  },
  closed,
);

/** The answer to every webhook delivery: a build id, or the reason nothing was built. */
export const hookReplySchema = Type.Object(
  { buildId: Type.Optional(Type.String()), ignored: Type.Optional(Type.Boolean()), reason: Type.Optional(Type.String()) },
  closed,
);

/** A build secret as the API shows it: never the value, only a fingerprint to tell versions apart. */
export const buildSecretSummarySchema = Type.Object({ name: Type.String(), sha256: Type.String() }, closed);

/** An app volume with the claim it mounts. */
export const volumeViewSchema = Type.Object({ ...volumeSpecSchema.properties, claim: Type.String() }, closed);
