// `slipway process --local` (like `oc process --local`): a template processed and translated in
// the CLI's own process, with no API and no token. The one file of the server side the CLI may
// import (test/architecture/import-rules.ts): it reads the template, this environment's
// OpenShift settings (SLIPWAY_OPENSHIFT_IMAGES, SLIPWAY_APPS_DOMAIN) and namespace prefix, and
// answers what POST /templates/process answers.
import { loadOpenShiftSettings } from '../config.js';
import { defaultNamespace } from '../store/deploy-config.js';
import { builtInTemplate } from './catalog.js';
import { parseTemplate } from './parse-template.js';
import { renderTemplate, type RenderedTemplate } from './render-template.js';

export async function processOffline(params: {
  /** A template's text (`file` names it in errors), or a built-in template's name. */
  source: { content: string; file: string } | { template: string };
  parameters: Record<string, string>;
  ignoreUnknownParameters?: boolean;
  env?: Record<string, string | undefined>;
}): Promise<RenderedTemplate> {
  const { source, parameters, ignoreUnknownParameters, env = process.env } = params;
  const openshift = loadOpenShiftSettings(env);
  const template = 'content' in source ? parseTemplate(source.content, source.file) : await builtInTemplate(source.template);
  // As the API's process: Routes are named after the namespace a provision would use by default.
  const namespace = defaultNamespace(template.metadata.name, { prefix: env.SLIPWAY_NAMESPACE_PREFIX?.trim() || undefined });
  return renderTemplate({ template, values: parameters, ignoreUnknownParameters, openshift, namespace });
}
