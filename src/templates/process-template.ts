// `oc process` for a parsed Template: resolve parameter values, substitute them into every
// object, add the template labels. Follows library-go's templateprocessing and oc's
// pkg/cli/process, including its less obvious rules (each is marked where it is applied).

import { SlipwayError } from '../errors.js';
import { generateExpression } from './expression.js';
import type { ProcessedTemplate, RandomInt, Template, TemplateParameter } from './types.js';

export interface ProcessTemplateParams {
  template: Template;
  /** Caller-supplied values (`-p NAME=value`). */
  values: Record<string, string>;
  /** `oc process --ignore-unknown-parameters`: drop values the template does not declare. */
  ignoreUnknownParameters?: boolean;
  random?: RandomInt;
}

// The same patterns library-go uses: `${NAME}` anywhere in a string, `${{NAME}}` only as the
// whole string. `a${{N}}` is therefore left untouched, as oc leaves it.
const STRING_REFERENCE = /\$\{([a-zA-Z0-9_]+)\}/g;
const HAS_STRING_REFERENCE = /\$\{[a-zA-Z0-9_]+\}/;
const WHOLE_REFERENCE = /^\$\{\{([a-zA-Z0-9_]+)\}\}$/;

type Values = ReadonlyMap<string, string>;

/**
 * Processes `template` with `values`. Throws TEMPLATE_PARAMETER_UNKNOWN (every undeclared
 * name), TEMPLATE_PARAMETER_MISSING (every required parameter left empty) or
 * TEMPLATE_EXPRESSION_INVALID. The template itself is not modified.
 */
export function processTemplate(params: ProcessTemplateParams): ProcessedTemplate {
  const { template, values } = params;
  const name = template.metadata.name;

  const declared = new Set(template.parameters.map((parameter) => parameter.name));
  const unknown = Object.keys(values).filter((given) => !declared.has(given));
  if (unknown.length > 0 && !params.ignoreUnknownParameters) {
    throw new SlipwayError('TEMPLATE_PARAMETER_UNKNOWN', `template "${name}" has no parameter named ${unknown.join(', ')}`, {
      template: name,
      parameters: unknown,
    });
  }

  const resolved = resolveParameters(template.parameters, values, params.random);
  const missing = template.parameters.filter((p) => p.required && resolved.get(p.name) === '').map((p) => p.name);
  if (missing.length > 0) {
    throw new SlipwayError('TEMPLATE_PARAMETER_MISSING', `template "${name}" requires a value for ${missing.join(', ')}`, {
      template: name,
      parameters: missing,
    });
  }

  // Label keys and values take parameters too (library-go substitutes ObjectLabels first).
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(template.labels)) {
    labels[substituteText(key, resolved)] = substituteText(value, resolved);
  }

  const objects = template.objects.map((object, index) => {
    const result = substituteTree(object, resolved) as Record<string, unknown>;
    stripNamespace(object, result);
    addLabels(result, labels, index);
    return result;
  });

  const processed: ProcessedTemplate = { name, objects, parameters: Object.fromEntries(resolved) };
  if (template.message !== undefined) processed.message = substituteText(template.message, resolved);
  return processed;
}

function resolveParameters(parameters: TemplateParameter[], values: Record<string, string>, random?: RandomInt): Values {
  const resolved = new Map<string, string>();
  for (const parameter of parameters) {
    let value: string;
    if (Object.hasOwn(values, parameter.name)) {
      // oc's injectUserVars clears Generate when a value is given, even an empty one.
      value = values[parameter.name] ?? '';
    } else {
      value = parameter.value ?? '';
      // library-go generates only when the value is empty, so a default wins over `generate`.
      if (value === '' && parameter.generate === 'expression' && parameter.from !== undefined) {
        value = generateExpression(parameter.from, random);
      }
    }
    // A declared parameter without a value still substitutes, as '' (library-go's paramMap).
    resolved.set(parameter.name, value);
  }
  return resolved;
}

/** `${NAME}` replaced in place; references to undeclared names stay as written. */
function substituteString(text: string, values: Values): string {
  return text.replace(STRING_REFERENCE, (reference, name: string) => values.get(name) ?? reference);
}

/** For keys, labels and the message, which stay strings: `${{NAME}}` gives the raw value. */
function substituteText(text: string, values: Values): string {
  const whole = WHOLE_REFERENCE.exec(text);
  const value = whole ? values.get(whole[1] ?? '') : undefined;
  return value ?? substituteString(text, values);
}

/** For object values: `${{NAME}}` becomes the JSON value (number, bool, object...) when it parses. */
function substituteValue(text: string, values: Values): unknown {
  const whole = WHOLE_REFERENCE.exec(text);
  const value = whole ? values.get(whole[1] ?? '') : undefined;
  if (value === undefined) return substituteString(text, values);
  try {
    const parsed = JSON.parse(value) as unknown;
    // Go's decoder rejects out-of-range numbers (1e999), so oc keeps those as strings.
    return typeof parsed === 'number' && !Number.isFinite(parsed) ? value : parsed;
  } catch {
    return value;
  }
}

/** Copies `node`, substituting every string value and every map key (as library-go does). */
function substituteTree(node: unknown, values: Values): unknown {
  if (typeof node === 'string') return substituteValue(node, values);
  if (Array.isArray(node)) return node.map((item) => substituteTree(item, values));
  if (!isRecord(node)) return node;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    // defineProperty: a `__proto__` key from a user's JSON must stay data, not set a prototype.
    Object.defineProperty(copy, substituteText(key, values), {
      value: substituteTree(value, values),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

/**
 * A hard-coded metadata.namespace is dropped so objects land in the target namespace; one
 * that references a parameter is kept (OpenShift Template API: `objects` field doc).
 */
function stripNamespace(original: Record<string, unknown>, result: Record<string, unknown>): void {
  const metadata = original.metadata;
  if (!isRecord(metadata) || !('namespace' in metadata) || !isRecord(result.metadata)) return;
  const namespace = metadata.namespace;
  if (typeof namespace !== 'string' || !HAS_STRING_REFERENCE.test(namespace)) delete result.metadata.namespace;
}

/**
 * Template labels overwrite an object's own labels of the same key (library-go
 * addObjectLabels). Only metadata.labels: library-go's nested pod-template labelling applies
 * to typed DeploymentConfigs, and oc decodes template objects as unstructured, so it never
 * reaches spec.template or selectors.
 */
function addLabels(object: Record<string, unknown>, labels: Record<string, string>, index: number): void {
  if (Object.keys(labels).length === 0) return;
  if (object.metadata === undefined || object.metadata === null) object.metadata = {};
  const metadata = object.metadata;
  if (!isRecord(metadata)) {
    throw new SlipwayError('TEMPLATE_INVALID', `objects[${index}].metadata must be an object to take the template labels`, {
      path: `objects[${index}].metadata`,
    });
  }
  metadata.labels = { ...(isRecord(metadata.labels) ? metadata.labels : {}), ...labels };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
