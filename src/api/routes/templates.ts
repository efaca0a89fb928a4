import type { FastifyInstance } from 'fastify';
import { SlipwayError } from '../../errors.js';
import { builtInTemplate, listBuiltInTemplates } from '../../templates/catalog.js';
import { parseTemplate } from '../../templates/parse-template.js';
import { processTemplate } from '../../templates/process-template.js';
import { provisionTemplate } from '../../templates/provision.js';
import { translateOpenShift } from '../../templates/translate-openshift.js';
import type { Template } from '../../templates/types.js';
import type { ApiDeps } from '../deps.js';

interface TemplateRequest {
  template?: string;
  content?: string;
  parameters?: Record<string, string>;
  ignoreUnknownParameters?: boolean;
}

const templateRequest = {
  template: { type: 'string', maxLength: 100 },
  content: { type: 'string', maxLength: 1_000_000 },
  parameters: { type: 'object', additionalProperties: { type: 'string' } },
  ignoreUnknownParameters: { type: 'boolean' },
} as const;

/** A built-in template by name, or one sent inline (the CLI sends a file's text). */
async function resolveTemplate(body: TemplateRequest): Promise<Template> {
  if (body.content) return parseTemplate(body.content, 'request');
  if (body.template) return builtInTemplate(body.template);
  throw new SlipwayError('VALIDATION_FAILED', 'give "template" (a built-in name) or "content" (a template as YAML or JSON)');
}

/** Templates: the built-in catalogue, `process` (render only), and provisioning into a namespace. */
export default async function templateRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get('/templates', async () => ({
    templates: (await listBuiltInTemplates()).map((t) => ({
      name: t.metadata.name,
      description: t.metadata.annotations?.description ?? '',
      parameters: t.parameters.map((p) => ({ name: p.name, description: p.description ?? '', required: p.required ?? false, generated: p.generate === 'expression', value: p.value })),
    })),
  }));

  /** Like `oc process`: the objects to apply (OpenShift kinds translated), nothing applied. */
  app.post<{ Body: TemplateRequest }>('/templates/process', { schema: { body: { type: 'object', additionalProperties: false, properties: templateRequest } } }, async (request) => {
    const template = await resolveTemplate(request.body);
    const processed = processTemplate({ template, values: request.body.parameters ?? {}, ignoreUnknownParameters: request.body.ignoreUnknownParameters });
    const translation = translateOpenShift(processed.objects);
    return { name: processed.name, parameters: processed.parameters, message: processed.message, ...translation };
  });

  /** Like `oc new-app --template`: applies idempotently, creates the apps, waits for wait-for-ready objects. */
  app.post<{ Body: TemplateRequest & { namespace?: string; waitSeconds?: number } }>(
    '/templates/provision',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { ...templateRequest, namespace: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$' }, waitSeconds: { type: 'integer', minimum: 0, maximum: 1800 } },
        },
      },
    },
    async (request) => {
      const template = await resolveTemplate(request.body);
      return provisionTemplate(
        { ...deps, logger: request.log },
        {
          template,
          values: request.body.parameters ?? {},
          namespace: request.body.namespace ?? 'default',
          ignoreUnknownParameters: request.body.ignoreUnknownParameters,
          waitSeconds: request.body.waitSeconds,
        },
      );
    },
  );
}
