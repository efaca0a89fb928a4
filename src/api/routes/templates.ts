import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { SlipwayError } from '../../errors.js';
import { defaultNamespace } from '../../store/deploy-config.js';
import { NAMESPACE_PATTERN } from '../../store/schemas/deploy-config.js';
import { closed, stringMap } from '../../store/schemas/type-helpers.js';
import { builtInTemplate, listBuiltInTemplates } from '../../templates/catalog.js';
import { parseTemplate } from '../../templates/parse-template.js';
import { provisionTemplate } from '../../templates/provision.js';
import { renderTemplate } from '../../templates/render-template.js';
import type { Template } from '../../templates/types.js';
import type { ApiDeps } from '../deps.js';

const templateFields = {
  template: Type.Optional(Type.String({ maxLength: 100, description: 'A built-in template by name.' })),
  content: Type.Optional(Type.String({ maxLength: 1_000_000, description: 'A template as YAML or JSON (the CLI sends a file\'s text).' })),
  parameters: Type.Optional(stringMap()),
  ignoreUnknownParameters: Type.Optional(Type.Boolean()),
};
const templateRequest = Type.Object(templateFields, closed);
type TemplateRequest = Static<typeof templateRequest>;

const catalogue = Type.Object(
  {
    templates: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          description: Type.String(),
          parameters: Type.Array(
            Type.Object(
              { name: Type.String(), description: Type.String(), required: Type.Boolean(), generated: Type.Boolean(), value: Type.Optional(Type.String()) },
              closed,
            ),
          ),
        },
        closed,
      ),
    ),
  },
  closed,
);

/** A built-in template by name, or one sent inline (the CLI sends a file's text). */
async function resolveTemplate(body: TemplateRequest): Promise<Template> {
  if (body.content) return parseTemplate(body.content, 'request');
  if (body.template) return builtInTemplate(body.template);
  throw new SlipwayError('VALIDATION_FAILED', 'give "template" (a built-in name) or "content" (a template as YAML or JSON)');
}

/** Templates: the built-in catalogue, `process` (render only), and provisioning into a namespace. */
export default async function templateRoutes(instance: FastifyInstance, deps: ApiDeps): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/templates', { schema: { response: { 200: catalogue } } }, async () => ({
    templates: (await listBuiltInTemplates()).map((t) => ({
      name: t.metadata.name,
      description: t.metadata.annotations?.description ?? '',
      parameters: t.parameters.map((p) => ({ name: p.name, description: p.description ?? '', required: p.required ?? false, generated: p.generate === 'expression', value: p.value })),
    })),
  }));

  // Process and provision answer with what the template holds (Kubernetes objects of any kind):
  // no response schema, so nothing of them is dropped.

  /** Like `oc process`: the objects to apply (OpenShift kinds translated), nothing applied. */
  app.post('/templates/process', { schema: { body: templateRequest } }, async (request) => {
    const template = await resolveTemplate(request.body);
    // Routes without a host are named after the namespace a provision would use by default.
    const namespace = defaultNamespace(template.metadata.name, deps.config.namespaces);
    return renderTemplate({ template, values: request.body.parameters ?? {}, ignoreUnknownParameters: request.body.ignoreUnknownParameters, openshift: deps.config.openshift, namespace });
  });

  /** Like `oc new-app --template`: applies idempotently, creates the apps, waits for wait-for-ready objects. */
  app.post(
    '/templates/provision',
    {
      schema: {
        body: Type.Object(
          {
            ...templateFields,
            namespace: Type.Optional(Type.String({ pattern: NAMESPACE_PATTERN })),
            waitSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 1800 })),
          },
          closed,
        ),
      },
    },
    async (request) => {
      const template = await resolveTemplate(request.body);
      return provisionTemplate(
        { ...deps, logger: request.log },
        {
          template,
          values: request.body.parameters ?? {},
          // As an app's: a namespace named after the template (oc would use the current project).
          namespace: request.body.namespace ?? defaultNamespace(template.metadata.name, deps.config.namespaces),
          ignoreUnknownParameters: request.body.ignoreUnknownParameters,
          waitSeconds: request.body.waitSeconds,
        },
      );
    },
  );
}
