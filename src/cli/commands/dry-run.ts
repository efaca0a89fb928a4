import YAML from 'yaml';
import type { DryRunView, FieldChange, ObjectChange } from '../../store/views.js';
import { CliError } from '../client.js';

type Print = (line: string) => void;

/** `--dry-run -o`: the manifests as a List (yaml or json, as `oc new-app -o`), or (unset) the diff only. */
export type DryRunOutput = 'yaml' | 'json' | undefined;

/** `-o` as given, refused early when it is neither yaml nor json (and when given without --dry-run). */
export function dryRunOutput(options: { dryRun?: boolean; output?: string }): DryRunOutput {
  if (options.output === undefined) return undefined;
  if (!options.dryRun) throw new CliError('-o prints what a dry run would apply: use it with --dry-run');
  if (options.output !== 'yaml' && options.output !== 'json') throw new CliError(`-o is yaml or json, got "${options.output}"`);
  return options.output;
}

const MARKS: Record<ObjectChange['action'], string> = { create: '+', change: '~', unchanged: '=', kept: '=', unchecked: '?', refused: '!', delete: '-' };

/** A JSON value of a field change as printed: the value, or `(none)` where the field is absent. */
const value = (json: string | undefined) => json ?? '(none)';

function fieldLine(field: FieldChange): string {
  return `    ${field.path}: ${value(field.before)} -> ${value(field.after)}`;
}

/**
 * A dry run's diff as lines, one per object (`+` created, `~` changed with one line per field,
 * `=` unchanged or kept, `?` not checked, `!` refused by the API server, `-` deleted), after a head line and
 * the notes: what `kubectl diff` says, field by field.
 */
export function formatDryRun(view: Pick<DryRunView, 'app' | 'release' | 'image' | 'changes' | 'notes'>): string[] {
  const counts = (['create', 'change', 'delete', 'refused'] as const).map((a) => [a, view.changes.filter((c) => c.action === a).length] as const).filter(([, n]) => n > 0);
  const said = { create: 'to create', change: 'to change', delete: 'to delete', refused: 'refused' };
  const applied = view.changes.filter((c) => c.action !== 'delete').length;
  const lines = [
    `Dry run: release ${view.release} of ${view.app} (${view.image}) would apply ${applied} object${applied === 1 ? '' : 's'}` +
      `${counts.length ? ` (${counts.map(([a, n]) => `${n} ${said[a]}`).join(', ')})` : ', none changed'}; nothing was changed`,
  ];
  for (const note of view.notes) lines.push(`  note: ${note}`);
  for (const c of view.changes) {
    const where = c.namespace ? ` -n ${c.namespace}` : '';
    lines.push(`${MARKS[c.action]} ${c.kind}/${c.name}${where}: ${c.action}${c.message ? ` (${c.message})` : ''}`);
    for (const field of c.fields) lines.push(fieldLine(field));
  }
  return lines;
}

/**
 * Prints a dry run: `-o yaml` the manifests as a YAML List with the diff as comments above it
 * (the output still applies with `kubectl apply -f -`), `-o json` the whole answer, and without
 * `-o` the diff alone.
 */
export function printDryRun(view: DryRunView, output: DryRunOutput, print: Print): void {
  if (output === 'json') return print(JSON.stringify(view, null, 2));
  const lines = formatDryRun(view);
  if (output !== 'yaml') return lines.forEach((line) => print(line));
  for (const line of lines) print(`# ${line}`);
  print(YAML.stringify({ apiVersion: 'v1', kind: 'List', items: view.manifests }).trimEnd());
}
