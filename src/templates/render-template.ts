// What `process` answers, as `oc process` does: a template processed (parameters, labels) and
// its OpenShift kinds translated, nothing applied. One function for the API's
// POST /templates/process and the CLI's `process --local`, so both print the same thing.
import type { OpenShiftSettings } from '../config.js';
import { processTemplate } from './process-template.js';
import { translateOpenShift } from './translate-openshift.js';
import type { Translation } from './translation.js';
import type { Template } from './types.js';

export interface RenderedTemplate extends Translation {
  name: string;
  parameters: Record<string, string>;
  message?: string;
}

export function renderTemplate(params: {
  template: Template;
  values: Record<string, string>;
  ignoreUnknownParameters?: boolean;
  openshift: OpenShiftSettings;
  /** Where the objects would go: Routes without a host are named after it. */
  namespace: string;
}): RenderedTemplate {
  const { template, values, ignoreUnknownParameters, openshift, namespace } = params;
  const processed = processTemplate({ template, values, ignoreUnknownParameters });
  const translation = translateOpenShift(processed.objects, { ...openshift, namespace });
  return { name: processed.name, parameters: processed.parameters, message: processed.message, ...translation };
}
