import type { Manifest } from './manifest.js';

export type PodSpec = Record<string, unknown>;

/**
 * The manifest with its pod spec (a Pod's own, or a workload's, Job's or CronJob's template's)
 * replaced by `change(spec)`; other kinds as they are. Pure, and never changes `m` in place.
 */
export function withPodSpec(m: Manifest, change: (spec: PodSpec) => PodSpec): Manifest {
  const spec = (m.spec ?? {}) as Record<string, unknown>;
  switch (m.kind) {
    case 'Pod':
      return { ...m, spec: change(spec) };
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return { ...m, spec: { ...spec, template: withTemplate(spec.template, change) } };
    case 'CronJob': {
      const job = (spec.jobTemplate ?? {}) as Record<string, unknown>;
      const jobSpec = (job.spec ?? {}) as Record<string, unknown>;
      return { ...m, spec: { ...spec, jobTemplate: { ...job, spec: { ...jobSpec, template: withTemplate(jobSpec.template, change) } } } };
    }
    default:
      return m;
  }
}

function withTemplate(template: unknown, change: (spec: PodSpec) => PodSpec): Record<string, unknown> {
  const t = (template ?? {}) as Record<string, unknown>;
  return { ...t, spec: change((t.spec ?? {}) as PodSpec) };
}
