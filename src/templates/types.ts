// OpenShift Template (template.openshift.io/v1) as Slipway holds it after parsing, and the
// result of processing it. Field names follow the OpenShift API so templates written for
// `oc process` can be read without translation.

export interface TemplateParameter {
  name: string;
  displayName?: string;
  description?: string;
  /** Default value; used when the caller gives none. */
  value?: string;
  /** Processing fails when the final value is empty. */
  required?: boolean;
  /** The only generator OpenShift ships; `from` holds its expression. */
  generate?: 'expression';
  /** Generator input, e.g. `[a-zA-Z0-9]{16}`. */
  from?: string;
}

export interface TemplateMetadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A parsed, validated template. `parameters`, `objects` and `labels` are always present. */
export interface Template {
  apiVersion: 'template.openshift.io/v1' | 'v1';
  kind: 'Template';
  metadata: TemplateMetadata;
  message?: string;
  parameters: TemplateParameter[];
  objects: Array<Record<string, unknown>>;
  /** Added to every object's metadata.labels when the template is processed. */
  labels: Record<string, string>;
}

export interface ProcessedTemplate {
  name: string;
  objects: Array<Record<string, unknown>>;
  /** Final value of every declared parameter, generated ones included ('' when unset). */
  parameters: Record<string, string>;
  message?: string;
}

/** Returns an integer in [0, maxExclusive); `crypto.randomInt` unless a test injects one. */
export type RandomInt = (maxExclusive: number) => number;
