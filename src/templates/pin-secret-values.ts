import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { ProcessedTemplate, Template } from './types.js';

const WHOLE_PARAMETER = /^\$\{([A-Za-z0-9_]+)\}$/;

/**
 * Parameters whose value already lives in an existing Secret: a Secret key that the template
 * fills with exactly `${PARAM}` and that the cluster's Secret already has. Processing again
 * with these pinned keeps every object and the message consistent with the stored credentials,
 * instead of showing freshly generated ones that were never saved. `secretOf` names the Secret
 * each pinned parameter came from: those values are never shown again (issue 14).
 */
export async function existingSecretValues(params: {
  kc: KubeConfig;
  namespace: string;
  template: Template;
  processed: ProcessedTemplate;
}): Promise<{ values: Record<string, string>; secretOf: Record<string, string> }> {
  const { kc, namespace, template, processed } = params;
  const core = kc.makeApiClient(CoreV1Api);
  const pinned: Record<string, string> = {};
  const secretOf: Record<string, string> = {};
  for (const [index, raw] of template.objects.entries()) {
    if (raw.kind !== 'Secret') continue;
    const name = (processed.objects[index]?.metadata as { name?: string } | undefined)?.name;
    if (!name) continue;
    const existing = await core.readNamespacedSecret({ namespace, name }).catch(() => undefined);
    if (!existing?.data) continue;
    for (const [key, value] of Object.entries((raw.stringData ?? {}) as Record<string, unknown>)) {
      const parameter = typeof value === 'string' ? WHOLE_PARAMETER.exec(value)?.[1] : undefined;
      const stored = existing.data[key];
      if (parameter && stored !== undefined) {
        pinned[parameter] = Buffer.from(stored, 'base64').toString('utf8');
        secretOf[parameter] = name;
      }
    }
  }
  return { values: pinned, secretOf };
}
