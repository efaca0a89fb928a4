import type { FieldChange, ObjectChange } from '../store/views.js';
import type { Manifest } from './render/manifest.js';

/** Shown instead of a Secret's values, in manifests and in diffs: secrets are write-only everywhere. */
export const HIDDEN = '(hidden)';

/**
 * What the API server keeps on an object on its own (identity, bookkeeping, controllers' status):
 * a dry run answers them too, but no change of Slipway's is in them.
 */
const SERVER_METADATA = ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'selfLink'];

const isObj = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** An object as a dry run compares it: without the server's bookkeeping and status. */
export function comparable(object: Record<string, unknown>): Record<string, unknown> {
  const { status: _status, ...rest } = object;
  const metadata = isObj(rest.metadata) ? Object.fromEntries(Object.entries(rest.metadata).filter(([k]) => !SERVER_METADATA.includes(k))) : rest.metadata;
  return { ...rest, ...(metadata ? { metadata } : {}) };
}

/** A Secret with each value of `data` and `stringData` replaced by HIDDEN (the keys stay); any other object as it is. */
export function hideSecretValues<T extends Record<string, unknown>>(object: T): T {
  if (object.kind !== 'Secret') return object;
  const hide = (values: unknown) => (isObj(values) ? Object.fromEntries(Object.keys(values).map((k) => [k, HIDDEN])) : values);
  return { ...object, ...('data' in object ? { data: hide(object.data) } : {}), ...('stringData' in object ? { stringData: hide(object.stringData) } : {}) };
}

/** A key as a path step: `.name`, or `["slipway.dev/config-hash"]` when it is not a plain word. */
function step(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/**
 * Every field that differs between `before` and `after`, as a path and both JSON values (absent
 * where the field is): objects key by key, lists item by item, leaves by value.
 */
export function fieldChanges(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => fieldChanges(before[k], after[k], `${path}${step(k)}`));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    return Array.from({ length: Math.max(before.length, after.length) }, (_, i) => fieldChanges(before[i], after[i], `${path}[${i}]`)).flat();
  }
  return [{ path: path.replace(/^\./, '') || '.', ...(before !== undefined ? { before: JSON.stringify(before) } : {}), ...(after !== undefined ? { after: JSON.stringify(after) } : {}) }];
}

/** What the API server answered for one object of a dry run (cluster/dry-run-object.ts asks). */
export type ServerAnswer =
  | { live?: Record<string, unknown>; wouldBe: Record<string, unknown> }
  | { live: Record<string, unknown>; kept: true }
  | { noNamespace: true }
  | { refused: string };

/** One object's line in a dry run's diff, from what the server answered for it. */
export function objectChange(manifest: Manifest, answer: ServerAnswer): ObjectChange {
  const { kind } = manifest;
  const { name, namespace } = manifest.metadata;
  const head = { kind, name: name ?? '', ...(namespace ? { namespace } : {}) };
  if ('refused' in answer) return { ...head, action: 'refused', fields: [], message: answer.refused };
  if ('noNamespace' in answer) return { ...head, action: 'unchecked', fields: [], message: `namespace "${namespace}" does not exist yet: it would be created first` };
  if ('kept' in answer) return { ...head, action: 'kept', fields: [], message: 'created only when absent, and it is there' };
  if (!answer.live) return { ...head, action: 'create', fields: [] };
  const fields = fieldChanges(comparable(answer.live), comparable(answer.wouldBe)).map((f) => (kind === 'Secret' ? hiddenValue(f) : f));
  return { ...head, action: fields.length ? 'change' : 'unchanged', fields };
}

/** A changed Secret value is named, never shown: the path stays, each value present reads HIDDEN. */
function hiddenValue(field: FieldChange): FieldChange {
  if (!/^(data|stringData)([.[]|$)/.test(field.path)) return field;
  return { path: field.path, ...(field.before !== undefined ? { before: JSON.stringify(HIDDEN) } : {}), ...(field.after !== undefined ? { after: JSON.stringify(HIDDEN) } : {}) };
}
