import { existsSync, readFileSync } from 'node:fs';
import YAML from 'yaml';
import { SlipwayError } from '../../errors.js';
import { processOffline } from '../../templates/process-offline.js';
import { CliError, type ApiClient } from '../client.js';
import { keyValues, paramFile } from '../parse-args.js';
import { apiPath } from '../api-path.js';

type Print = (line: string) => void;

export interface ProvisionReportView {
  template: string;
  namespace: string;
  /** A Secret comes with its key names (values are never sent back). */
  objects: Array<{ kind: string; name: string; action: string; keys?: string[]; addedKeys?: string[] }>;
  apps: Array<{ name: string; action: string; buildId?: string; buildError?: string; webhook?: { url: string; secret: string } }>;
  waited: Array<{ kind: string; name: string; state: string; reason?: string; message: string }>;
  unsupported: Array<{ kind: string; name: string; reason: string }>;
  notes: string[];
  message?: string;
}

/** A built-in template's name, as the API's catalogue takes it (src/templates/catalog.ts). */
const BUILT_IN_NAME = /^[a-z0-9][a-z0-9-]*$/;

/**
 * What `--template`/`process` name: a file's text when the argument is a file, else a built-in
 * template's name. An argument that is neither (`./db.yaml` that is not there) is said to be a
 * missing file here, rather than sent on and refused as "not a template name".
 */
export function templateSource(template: string): { content: string } | { template: string } {
  if (existsSync(template)) return { content: readFileSync(template, 'utf8') };
  if (BUILT_IN_NAME.test(template)) return { template };
  throw new CliError(`no template file "${template}" (and no built-in template is named that)`);
}

type ProcessResult = { objects: unknown[]; unsupported: ProvisionReportView['unsupported']; notes: string[] };

/**
 * `slipway process`: the objects a template makes (OpenShift kinds translated), as a List, like
 * `oc process`. With `--local`, like `oc process --local`: processed and translated in this
 * process (no API, no token), with the OpenShift settings of this environment
 * (SLIPWAY_OPENSHIFT_IMAGES, SLIPWAY_APPS_DOMAIN, SLIPWAY_NAMESPACE_PREFIX).
 */
export async function processCommand(params: {
  /** Made only when the API is asked: `--local` needs no settings file or token. */
  client: () => ApiClient;
  /** A built-in template's name or a file; or `options.filename`. */
  template?: string;
  options: { param: string[]; paramFile?: string; output: string; ignoreUnknownParameters?: boolean; local?: boolean; filename?: string };
  print: Print;
  warn: Print;
}): Promise<void> {
  const { client, template, options, print, warn } = params;
  if (!['yaml', 'json'].includes(options.output)) throw new CliError(`-o is yaml or json, got "${options.output}"`);
  if (Boolean(template) === Boolean(options.filename)) throw new CliError('name the template once: a built-in name or file, or -f FILE');
  if (options.filename && !existsSync(options.filename)) throw new CliError(`no template file "${options.filename}"`);
  const named = (options.filename ?? template)!;
  const source = templateSource(named);
  const parameters = { ...(options.paramFile ? paramFile(readFileSync(options.paramFile, 'utf8')) : {}), ...keyValues(options.param, '-p') };
  const ignoreUnknownParameters = options.ignoreUnknownParameters ? { ignoreUnknownParameters: true } : {};
  const result: ProcessResult = options.local
    ? await processLocally({ source, file: named, parameters, ...ignoreUnknownParameters })
    : await client().post<ProcessResult>(apiPath`/templates/process`, { ...source, parameters, ...ignoreUnknownParameters });
  for (const u of result.unsupported) warn(`warning: ${u.kind}/${u.name} not translated: ${u.reason}`);
  for (const note of result.notes) warn(`note: ${note}`);
  const list = { apiVersion: 'v1', kind: 'List', items: result.objects };
  print(options.output === 'json' ? JSON.stringify(list, null, 2) : YAML.stringify(list).trimEnd());
}

/** What the API's POST /templates/process answers, computed here; its errors read as the API's do (`message (CODE)`). */
async function processLocally(params: { source: { content: string } | { template: string }; file: string; parameters: Record<string, string>; ignoreUnknownParameters?: boolean }): Promise<ProcessResult> {
  const { source, file, parameters, ignoreUnknownParameters } = params;
  try {
    return await processOffline({ source: 'content' in source ? { content: source.content, file } : source, parameters, ignoreUnknownParameters });
  } catch (error) {
    if (error instanceof SlipwayError) throw new CliError(`${error.message} (${error.code})`);
    throw error;
  }
}

export function printProvisionReport(report: ProvisionReportView, print: Print): void {
  print(`--> Namespace ${report.namespace}`);
  for (const o of report.objects) {
    const keys = o.keys ? ` (keys: ${o.keys.join(', ')}${o.addedKeys?.length ? `; added ${o.addedKeys.join(', ')}` : ''})` : '';
    print(`    ${o.action.padEnd(15)} ${o.kind}/${o.name}${keys}`);
  }
  for (const a of report.apps) {
    print(`    app ${a.action.padEnd(11)} ${a.name}${a.buildId ? ` (build ${a.buildId} queued)` : ''}${a.buildError ? ` (first build not started: ${a.buildError})` : ''}`);
    if (a.webhook) print(`        webhook ${a.webhook.url}  secret ${a.webhook.secret}`);
  }
  for (const w of report.waited) print(`    ${w.state === 'ready' ? 'ready' : 'NOT READY'}${' '.repeat(w.state === 'ready' ? 11 : 7)}${w.kind}/${w.name}${w.state === 'ready' ? '' : `: ${w.message}`}`);
  for (const u of report.unsupported) print(`    unsupported     ${u.kind}/${u.name}: ${u.reason}`);
  for (const n of report.notes) print(`    note: ${n}`);
  if (report.message) print(`\n${report.message.trim()}`);
}
