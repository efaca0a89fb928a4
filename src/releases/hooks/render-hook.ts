import type { DeployConfig, HookSpec } from '../../store/types.js';
import { appLabels, LABELS, releaseLabels } from '../render/labels.js';
import type { Manifest } from '../render/manifest.js';
import { withPullSecretSpec } from '../render/pull-secret.js';
import { envFromRefs } from '../render/render-config.js';
import { fileWiring } from '../render/render-files.js';
import { restrictedContainerContext, restrictedPodContext } from '../render/security-context.js';

export type HookPhase = 'pre' | 'post';

/** Keep Jobs (and their pods' status and logs) a day for inspection, then let the TTL controller go. */
const KEEP_FINISHED_SECONDS = 86_400;

/** `<app>-<phase>-<release>`, the app part shortened so the whole stays a 63-character label value. */
export function hookJobName(params: { app: string; phase: HookPhase; release: number }): string {
  const suffix = `-${params.phase}-${params.release}`;
  return `${params.app.slice(0, 63 - suffix.length).replace(/-+$/, '')}${suffix}`;
}

/**
 * A hook as a Job: the release's image (by digest), its env, secrets, links and files, one attempt
 * (`backoffLimit: 0`: a migration that failed is not blindly retried) and an
 * `activeDeadlineSeconds` so Kubernetes itself stops a hook that hangs. `imagePullSecret`: the
 * namespace's registry pull secret, when Slipway keeps one (prepare-release.ts). `commit`: the
 * release's, for the labels that say what runs (labels.ts).
 */
export function renderHookJob(params: { app: string; release: number; image: string; port: number; config: DeployConfig; phase: HookPhase; hook: HookSpec; imagePullSecret?: string; commit?: string }): Manifest {
  const { app, release, image, port, config, phase, hook } = params;
  const what = releaseLabels({ app, image, component: 'hook', ...(params.commit ? { commit: params.commit } : {}) });
  const refs = envFromRefs({ app, namespace: config.namespace, config });
  // The app's config and secret files too (a migration reads its database.yml), read-only; never its claims.
  const files = fileWiring(app, config);
  const resources = config.resources ? { requests: { ...config.resources } } : undefined;
  // Every label that says what runs but app.kubernetes.io/name, which hook pods must not carry (labels.ts).
  const podLabels = { ...what, [LABELS.managedBy]: 'slipway', [LABELS.hookOf]: app, [LABELS.hook]: phase, [LABELS.release]: String(release) };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: hookJobName({ app, phase, release }),
      namespace: config.namespace,
      labels: { ...appLabels(app), ...what, [LABELS.hook]: phase, [LABELS.release]: String(release) },
    },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: hook.timeoutSeconds,
      ttlSecondsAfterFinished: KEEP_FINISHED_SECONDS,
      template: {
        metadata: { labels: podLabels, ...(hook.podAnnotations && Object.keys(hook.podAnnotations).length ? { annotations: { ...hook.podAnnotations } } : {}) },
        spec: withPullSecretSpec({
          restartPolicy: 'Never',
          // The app namespace enforces Pod Security `restricted`: the hook runs like the app's pods.
          securityContext: restrictedPodContext(),
          containers: [
            {
              name: 'hook',
              image,
              command: hook.command,
              env: [{ name: 'PORT', value: String(port) }, { name: 'SLIPWAY_HOOK', value: phase }],
              ...(refs.length ? { envFrom: refs } : {}),
              ...(files.mounts.length ? { volumeMounts: files.mounts } : {}),
              ...(resources ? { resources } : {}),
              securityContext: restrictedContainerContext(),
            },
          ],
          ...(files.volumes.length ? { volumes: files.volumes } : {}),
        }, params.imagePullSecret),
      },
    },
  };
}
