// Reads an OpenShift Template from JSON or YAML text and checks its shape, so processing can
// trust it and a bad template is reported once, with the field that is wrong.

import { parseAllDocuments } from 'yaml';
import { SlipwayError } from '../errors.js';
import type { Template, TemplateMetadata, TemplateParameter } from './types.js';

const API_VERSIONS = ['template.openshift.io/v1', 'v1'] as const;
// OpenShift's own rule (template validation: ParameterNameRegexp); `${...}` matches the same set.
const PARAMETER_NAME = /^[a-zA-Z0-9_]+$/;

type Json = Record<string, unknown>;

class Checker {
  constructor(private readonly source: string | undefined) {}

  fail(path: string, problem: string): SlipwayError {
    const where = this.source ?? 'template';
    return new SlipwayError('TEMPLATE_INVALID', `${where}: ${path} ${problem}`, { source: this.source, path });
  }

  record(value: unknown, path: string): Json {
    if (!isRecord(value)) throw this.fail(path, `must be an object, got ${describe(value)}`);
    return value;
  }

  /** YAML `key:` with nothing after it is null; Kubernetes decoding treats that as absent. */
  optionalString(value: unknown, path: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw this.fail(path, `must be a string, got ${describe(value)} (quote it in YAML)`);
    return value;
  }

  requiredString(value: unknown, path: string): string {
    const text = this.optionalString(value, path);
    if (!text) throw this.fail(path, 'is required');
    return text;
  }

  stringMap(value: unknown, path: string): Record<string, string> | undefined {
    if (value === undefined || value === null) return undefined;
    const map = this.record(value, path);
    for (const [key, item] of Object.entries(map)) {
      if (typeof item !== 'string') throw this.fail(`${path}.${key}`, `must be a string, got ${describe(item)} (quote it in YAML)`);
    }
    return map as Record<string, string>;
  }

  list(value: unknown, path: string): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw this.fail(path, `must be a list, got ${describe(value)}`);
    return value;
  }
}

/**
 * Parses a Template from JSON or YAML `text`. `source` (a file name) is named in errors.
 * Throws TEMPLATE_INVALID naming the field at fault (e.g. `parameters[2].name`).
 */
export function parseTemplate(text: string, source?: string): Template {
  const check = new Checker(source);
  const root = decode(text, check);
  if (!isRecord(root)) throw check.fail('document', `must be a Template object, got ${describe(root)}`);

  if (root.kind !== 'Template') throw check.fail('kind', `must be "Template", got ${describe(root.kind)}`);
  const apiVersion = API_VERSIONS.find((version) => version === root.apiVersion);
  if (!apiVersion) throw check.fail('apiVersion', `must be one of ${API_VERSIONS.join(', ')}, got ${describe(root.apiVersion)}`);

  const template: Template = {
    apiVersion,
    kind: 'Template',
    metadata: parseMetadata(root.metadata, check),
    parameters: parseParameters(root.parameters, check),
    objects: parseObjects(root.objects, check),
    labels: check.stringMap(root.labels, 'labels') ?? {},
  };
  const message = check.optionalString(root.message, 'message');
  if (message !== undefined) template.message = message;
  return template;
}

function decode(text: string, check: Checker): unknown {
  let jsonError: string | undefined;
  if (/^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      // `{...}` is also YAML flow style; only report the JSON error if YAML fails as well.
      jsonError = (err as Error).message;
    }
  }
  // YAML 1.1 as Kubernetes reads it (sigs.k8s.io/yaml on go-yaml v2), so `defaultMode: 0644`
  // is octal 420 as under `oc`; timestamps stay strings, as they do when go-yaml feeds JSON.
  const documents = parseAllDocuments(text, {
    version: '1.1',
    customTags: (tags) =>
      tags.filter((tag) => typeof tag === 'string' || (tag.tag !== 'tag:yaml.org,2002:timestamp' && tag.format !== 'TIME')),
  });
  const parsed = Array.isArray(documents) ? documents : [];
  const error = parsed.flatMap((doc) => doc.errors)[0];
  if (error) throw check.fail('document', `is not valid ${jsonError ? 'JSON' : 'YAML'}: ${jsonError ?? error.message.split('\n')[0]}`);
  // A trailing `---` yields an empty document; it is not a second template.
  let values: unknown[];
  try {
    values = parsed.map((doc) => doc.toJS() as unknown).filter((value) => value !== null && value !== undefined);
  } catch (err) {
    // toJS refuses alias bombs ("billion laughs") rather than expanding them.
    throw check.fail('document', `is not valid YAML: ${(err as Error).message}`);
  }
  if (values.length === 0) throw check.fail('document', 'is empty');
  if (values.length > 1) throw check.fail('document', `holds ${values.length} YAML documents; expected one Template`);
  return values[0];
}

function parseMetadata(value: unknown, check: Checker): TemplateMetadata {
  const raw = check.record(value, 'metadata');
  const metadata: TemplateMetadata = { name: check.requiredString(raw.name, 'metadata.name') };
  const namespace = check.optionalString(raw.namespace, 'metadata.namespace');
  const labels = check.stringMap(raw.labels, 'metadata.labels');
  const annotations = check.stringMap(raw.annotations, 'metadata.annotations');
  if (namespace !== undefined) metadata.namespace = namespace;
  if (labels) metadata.labels = labels;
  if (annotations) metadata.annotations = annotations;
  return metadata;
}

function parseParameters(value: unknown, check: Checker): TemplateParameter[] {
  const seen = new Map<string, number>();
  return check.list(value, 'parameters').map((item, index) => {
    const path = `parameters[${index}]`;
    const raw = check.record(item, path);
    const name = check.requiredString(raw.name, `${path}.name`);
    if (!PARAMETER_NAME.test(name)) throw check.fail(`${path}.name`, `"${name}" must match ${PARAMETER_NAME.source}`);
    const first = seen.get(name);
    if (first !== undefined) throw check.fail(`${path}.name`, `"${name}" is already declared by parameters[${first}]`);
    seen.set(name, index);

    const parameter: TemplateParameter = { name };
    for (const field of ['displayName', 'description', 'value', 'from'] as const) {
      const text = check.optionalString(raw[field], `${path}.${field}`);
      if (text !== undefined) parameter[field] = text;
    }
    if (raw.required !== undefined && raw.required !== null) {
      if (typeof raw.required !== 'boolean') throw check.fail(`${path}.required`, `must be true or false, got ${describe(raw.required)}`);
      parameter.required = raw.required;
    }
    // An empty `generate` means "no generator" in OpenShift, not an unknown one.
    const generate = check.optionalString(raw.generate, `${path}.generate`);
    if (generate) {
      if (generate !== 'expression') throw check.fail(`${path}.generate`, `must be "expression" (the only OpenShift generator), got "${generate}"`);
      if (!parameter.from) throw check.fail(`${path}.from`, 'is required when generate is "expression"');
      parameter.generate = 'expression';
    }
    return parameter;
  });
}

function parseObjects(value: unknown, check: Checker): Array<Record<string, unknown>> {
  return check.list(value, 'objects').map((item, index) => {
    const object = check.record(item, `objects[${index}]`);
    check.requiredString(object.kind, `objects[${index}].kind`);
    return object;
  });
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
