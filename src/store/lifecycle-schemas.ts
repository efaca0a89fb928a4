// JSON schemas of the lifecycle settings (hooks, strategy, probes, volumes), shared by the
// deploy config schema and the routes that set each one.

const seconds = (max: number) => ({ type: 'integer', minimum: 1, maximum: max });
const annotations = { type: 'object', additionalProperties: { type: 'string', maxLength: 4096 } };

export const hookSchema = {
  type: 'object',
  required: ['command'],
  additionalProperties: false,
  properties: {
    command: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', maxLength: 10_000 } },
    // Defaults (300 s, onFailure report) are applied by checkDeployConfig: Ajv ignores a
    // `default` under the anyOf the routes wrap these schemas in.
    timeoutSeconds: seconds(86_400),
    podAnnotations: annotations,
  },
} as const;

export const postHookSchema = {
  ...hookSchema,
  properties: { ...hookSchema.properties, onFailure: { type: 'string', enum: ['report', 'rollback'] } },
} as const;

export const hooksSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { pre: hookSchema, post: postHookSchema },
} as const;

const surge = { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^[0-9]{1,3}%$' }] };

export const strategySchema = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: { type: { type: 'string', enum: ['Rolling', 'Recreate'] }, maxSurge: surge, maxUnavailable: surge },
} as const;

export const probeSchema = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', enum: ['http', 'tcp', 'exec', 'off'] },
    path: { type: 'string', pattern: '^/', maxLength: 2048 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    command: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', maxLength: 10_000 } },
    initialDelaySeconds: { type: 'integer', minimum: 0, maximum: 3600 },
    periodSeconds: seconds(3600),
    failureThreshold: { type: 'integer', minimum: 1, maximum: 100 },
    timeoutSeconds: seconds(3600),
  },
  allOf: [
    { if: { properties: { type: { const: 'http' } } }, then: { required: ['path'] } },
    { if: { properties: { type: { const: 'exec' } } }, then: { required: ['command'] } },
  ],
} as const;

export const probesSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { readiness: probeSchema, liveness: probeSchema },
} as const;

/** A claim `<app>-<name>`: the name stays short enough for the claim and pod volume names. */
export const volumeSchema = {
  type: 'object',
  required: ['mountPath', 'size'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$', default: 'data' },
    mountPath: { type: 'string', pattern: '^/[^:]+$', maxLength: 1024 },
    size: { type: 'string', pattern: '^[0-9]+(Ki|Mi|Gi|Ti)$' },
    accessMode: { type: 'string', enum: ['ReadWriteOnce', 'ReadWriteOncePod', 'ReadWriteMany', 'ReadOnlyMany'], default: 'ReadWriteOnce' },
    storageClass: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$' },
  },
} as const;
