import { parseTemplate } from '../../src/templates/parse-template.js';
import { processTemplate } from '../../src/templates/process-template.js';
import type { Template } from '../../src/templates/types.js';
import { at, errorOf, POSTGRESQL_PERSISTENT } from './fixtures.js';

const template = parseTemplate(POSTGRESQL_PERSISTENT, 'postgresql-persistent.yaml');
const KINDS = ['Secret', 'Service', 'PersistentVolumeClaim', 'DeploymentConfig', 'Route', 'ImageStream', 'BuildConfig'];

function objectOf(objects: Array<Record<string, unknown>>, kind: string): Record<string, unknown> {
  const found = objects.find((object) => object.kind === kind);
  if (!found) throw new Error(`no ${kind} in the processed template`);
  return found;
}

/** A template with just these parameters and one ConfigMap using them all. */
function small(parameters: Template['parameters']): Template {
  const data = Object.fromEntries(parameters.map((p) => [p.name, `\${${p.name}}`]));
  return { apiVersion: 'v1', kind: 'Template', metadata: { name: 'small' }, parameters, labels: {}, objects: [{ kind: 'ConfigMap', data }] };
}

describe('processTemplate: substitution into a postgresql-persistent-like template', () => {
  const result = processTemplate({
    template,
    values: { POSTGRESQL_USER: 'alice', POSTGRESQL_PASSWORD: 's3cret', REPLICAS: '2', VOLUME_CAPACITY: '5Gi' },
  });

  test.each([
    ['${X} as a whole string', 'Secret', ['stringData', 'database-user'], 'alice'],
    ['${X} from a default value', 'Secret', ['stringData', 'database-name'], 'sampledb'],
    ['${X} given over the default', 'PersistentVolumeClaim', ['spec', 'resources', 'requests', 'storage'], '5Gi'],
    ['${X} embedded in a longer string', 'DeploymentConfig', ['spec', 'triggers', 0, 'imageChangeParams', 'from', 'name'], 'postgresql:10-el8'],
    ['${X} deep in a list', 'DeploymentConfig', ['spec', 'template', 'spec', 'volumes', 0, 'name'], 'postgresql-data'],
    ['${{X}} to a number', 'DeploymentConfig', ['spec', 'replicas'], 2],
    ['${{X}} to a boolean', 'DeploymentConfig', ['spec', 'paused'], false],
    ['${{X}} to an object', 'DeploymentConfig', ['spec', 'template', 'spec', 'containers', 0, 'resources'], { limits: { memory: '512Mi' } }],
    ['${{X}} stays a string when not JSON', 'DeploymentConfig', ['spec', 'template', 'spec', 'containers', 0, 'env', 1, 'value'], 'sampledb'],
    ['${{X}} inside a longer string is left as written (oc)', 'DeploymentConfig', ['metadata', 'annotations', 'replicas-note'], 'replicas=${{REPLICAS}}'],
    ['declared parameter without a value becomes empty', 'Route', ['spec', 'host'], ''],
    ['undeclared ${X} is left as written', 'Secret', ['metadata', 'annotations', 'note'], '${NOT_A_PARAMETER} stays'],
    ['map keys are substituted too (oc)', 'Secret', ['metadata', 'annotations', 'slipway.dev/postgresql-owner'], 'team-data'],
    ['strings without references are untouched', 'Secret', ['metadata', 'annotations', 'template.openshift.io/expose-username'], "{.data['database-user']}"],
    ['non-string values are untouched', 'Service', ['spec', 'ports', 0, 'port'], 5432],
    ['YAML 1.1 octal stays a number', 'BuildConfig', ['spec', 'volumes', 0, 'secret', 'defaultMode'], 420],
    ['hard-coded metadata.namespace is dropped', 'Service', ['metadata', 'namespace'], undefined],
    ['parameterised metadata.namespace is kept', 'ImageStream', ['metadata', 'namespace'], 'openshift'],
  ])('%s', (_name, kind, path, expected) => {
    expect(at(objectOf(result.objects, kind), path)).toEqual(expected);
  });

  test('objects keep their order and kinds', () => {
    expect(result.objects.map((object) => object.kind)).toEqual(KINDS);
  });

  test('the message is substituted', () => {
    expect(result.message).toContain('have been created in your project: postgresql.');
    expect(result.message).toContain('Username: alice');
    expect(result.message).toContain('Password: s3cret');
    expect(result.message).not.toContain('${');
  });

  test('parameters holds every final value', () => {
    expect(result.name).toBe('postgresql-persistent');
    expect(result.parameters).toMatchObject({ POSTGRESQL_USER: 'alice', REPLICAS: '2', NAMESPACE: 'openshift', APPLICATION_DOMAIN: '' });
    expect(Object.keys(result.parameters)).toEqual(template.parameters.map((p) => p.name));
  });

  test('the template itself is not modified', () => {
    expect(parseTemplate(POSTGRESQL_PERSISTENT, 'postgresql-persistent.yaml')).toEqual(template);
  });
});

describe('processTemplate: template labels', () => {
  const { objects } = processTemplate({ template, values: {} });

  test.each(KINDS)('%s gets the template labels, substituted', (kind) => {
    expect(at(objectOf(objects, kind), ['metadata', 'labels'])).toMatchObject({ template: 'postgresql-persistent-template', app: 'postgresql' });
  });

  test('a template label overrides the object label of the same key; others stay', () => {
    expect(at(objectOf(objects, 'Service'), ['metadata', 'labels'])).toEqual({ app: 'postgresql', tier: 'database', template: 'postgresql-persistent-template' });
  });

  test('pod template labels and selectors are not touched (oc labels metadata only)', () => {
    const dc = objectOf(objects, 'DeploymentConfig');
    expect(at(dc, ['spec', 'template', 'metadata', 'labels'])).toEqual({ name: 'postgresql' });
    expect(at(dc, ['spec', 'selector'])).toEqual({ name: 'postgresql' });
  });
});

describe('processTemplate: generated parameters', () => {
  test('generated values have the expression shape', () => {
    const { parameters, objects } = processTemplate({ template, values: {} });
    expect(parameters.POSTGRESQL_USER).toMatch(/^user[A-Z0-9]{3}$/);
    expect(parameters.POSTGRESQL_PASSWORD).toMatch(/^[a-zA-Z0-9]{16}$/);
    expect(at(objectOf(objects, 'Secret'), ['stringData', 'database-password'])).toBe(parameters.POSTGRESQL_PASSWORD);
  });

  test('two runs generate different passwords', () => {
    const first = processTemplate({ template, values: {} }).parameters.POSTGRESQL_PASSWORD;
    const second = processTemplate({ template, values: {} }).parameters.POSTGRESQL_PASSWORD;
    expect(first).not.toBe(second);
  });

  test('an injected random makes generation deterministic', () => {
    const { parameters } = processTemplate({ template, values: {}, random: () => 0 });
    expect(parameters).toMatchObject({ POSTGRESQL_USER: 'userAAA', POSTGRESQL_PASSWORD: 'a'.repeat(16) });
  });

  const never = (): number => {
    throw new Error('random must not be called');
  };
  test.each([
    ['a given value overrides generate', { value: undefined }, { P: 'given' }, 'given'],
    ['a default value wins over generate', { value: 'default' }, {}, 'default'],
    ['an empty given value switches the generator off (oc)', { value: undefined }, { P: '' }, ''],
  ])('%s', (_name, extra, values, expected) => {
    const params = small([{ name: 'P', generate: 'expression', from: '[a-z]{8}', ...extra }]);
    expect(processTemplate({ template: params, values, random: never }).parameters.P).toBe(expected);
  });

  test('an empty default still generates', () => {
    const params = small([{ name: 'P', value: '', generate: 'expression', from: '[a-z]{8}' }]);
    expect(processTemplate({ template: params, values: {} }).parameters.P).toMatch(/^[a-z]{8}$/);
  });

  test('a bad expression fails with TEMPLATE_EXPRESSION_INVALID', () => {
    const params = small([{ name: 'P', generate: 'expression', from: '[z-a]{8}' }]);
    expect(errorOf(() => processTemplate({ template: params, values: {} })).code).toBe('TEMPLATE_EXPRESSION_INVALID');
  });
});

describe('processTemplate: required and unknown parameters', () => {
  const required = small([
    { name: 'DATABASE_USER', required: true },
    { name: 'DATABASE_NAME', required: true },
    { name: 'PASSWORD', required: true, generate: 'expression', from: '[a-z]{8}' },
    { name: 'OPTIONAL' },
  ]);

  test.each([
    ['nothing given', {}, ['DATABASE_USER', 'DATABASE_NAME']],
    ['empty strings count as missing', { DATABASE_USER: '', DATABASE_NAME: 'db' }, ['DATABASE_USER']],
    ['an empty value for a generated parameter', { DATABASE_USER: 'u', DATABASE_NAME: 'd', PASSWORD: '' }, ['PASSWORD']],
  ])('%s', (_name, values, missing) => {
    const error = errorOf(() => processTemplate({ template: required, values }));
    expect(error.code).toBe('TEMPLATE_PARAMETER_MISSING');
    expect(error.details).toEqual({ template: 'small', parameters: missing });
    for (const name of missing) expect(error.message).toContain(name);
  });

  test('all required present: processes, the optional one is empty', () => {
    const { objects } = processTemplate({ template: required, values: { DATABASE_USER: 'u', DATABASE_NAME: 'd' } });
    expect(at(objects[0], ['data'])).toMatchObject({ DATABASE_USER: 'u', DATABASE_NAME: 'd', OPTIONAL: '' });
  });

  test('unknown -p names are an error listing each of them', () => {
    const error = errorOf(() => processTemplate({ template, values: { POSTGRESQL_USER: 'a', NOPE: 'x', ALSO_NOPE: 'y' } }));
    expect(error.code).toBe('TEMPLATE_PARAMETER_UNKNOWN');
    expect(error.details).toEqual({ template: 'postgresql-persistent', parameters: ['NOPE', 'ALSO_NOPE'] });
    expect(error.message).toMatch(/NOPE, ALSO_NOPE/);
  });

  test('unknown names are dropped with ignoreUnknownParameters', () => {
    const result = processTemplate({ template, values: { POSTGRESQL_USER: 'a', NOPE: 'x' }, ignoreUnknownParameters: true });
    expect(result.parameters.POSTGRESQL_USER).toBe('a');
    expect(result.parameters).not.toHaveProperty('NOPE');
  });

  test('a name only on Object.prototype is not a declared parameter', () => {
    expect(errorOf(() => processTemplate({ template: required, values: { constructor: 'x' } })).code).toBe('TEMPLATE_PARAMETER_UNKNOWN');
  });
});

describe('processTemplate: hostile input stays data', () => {
  test('a __proto__ key in an object is copied as a key', () => {
    const input: Template = { ...small([]), objects: [JSON.parse('{"kind":"ConfigMap","data":{"__proto__":{"polluted":"yes"}}}') as Record<string, unknown>] };
    const [object] = processTemplate({ template: input, values: {} }).objects;
    const data = at(object, ['data']) as Record<string, unknown>;
    expect(Object.keys(data)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
  });

  test('a $ pattern in a value is inserted literally', () => {
    const [object] = processTemplate({ template: small([{ name: 'P' }]), values: { P: "$& $1 $$ $'" } }).objects;
    expect(at(object, ['data', 'P'])).toBe("$& $1 $$ $'");
  });
});
