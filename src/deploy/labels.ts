// Labels on everything Slipway creates; selection is always by label, never by name prefix.
export const LABELS = {
  name: 'app.kubernetes.io/name',
  managedBy: 'app.kubernetes.io/managed-by',
  release: 'slipway.dev/release',
} as const;

export const FIELD_MANAGER = 'slipway';
export const CONFIG_HASH_ANNOTATION = 'slipway.dev/config-hash';

export function appLabels(app: string): Record<string, string> {
  return { [LABELS.name]: app, [LABELS.managedBy]: 'slipway' };
}

export function releaseSelector(app: string, release: number): string {
  return `${LABELS.name}=${app},${LABELS.release}=${release}`;
}
