import { parse as parseYaml } from 'yaml';
import { parseTemplate } from '../../src/templates/parse-template.js';
import { errorOf, POSTGRESQL_PERSISTENT } from './fixtures.js';

const HEAD = 'apiVersion: template.openshift.io/v1\nkind: Template\nmetadata:\n  name: t\n';

describe('parseTemplate: accepted input', () => {
  test('a postgresql-persistent-like YAML template', () => {
    const template = parseTemplate(POSTGRESQL_PERSISTENT);
    expect(template).toMatchObject({
      apiVersion: 'template.openshift.io/v1',
      kind: 'Template',
      metadata: { name: 'postgresql-persistent', annotations: { iconClass: 'icon-postgresql' } },
      labels: { template: 'postgresql-persistent-template', app: '${DATABASE_SERVICE_NAME}' },
    });
    expect(template.objects).toHaveLength(7);
    expect(template.parameters.find((p) => p.name === 'POSTGRESQL_PASSWORD')).toEqual({
      name: 'POSTGRESQL_PASSWORD',
      displayName: 'PostgreSQL Connection Password',
      generate: 'expression',
      from: '[a-zA-Z0-9]{16}',
      required: true,
    });
    expect(template.message).toMatch(/^The following service\(s\)/);
  });

  test('the same template as JSON parses to the same result', () => {
    const json = JSON.stringify(parseYaml(POSTGRESQL_PERSISTENT, { version: '1.1' }), null, 2);
    expect(parseTemplate(json)).toEqual(parseTemplate(POSTGRESQL_PERSISTENT));
  });

  test.each([
    ['YAML, no parameters/objects/labels', HEAD],
    ['YAML, empty keys', `${HEAD}parameters:\nobjects:\nlabels:\n`],
    ['JSON, apiVersion v1', '{"apiVersion":"v1","kind":"Template","metadata":{"name":"t"}}'],
    ['YAML flow style', '{apiVersion: v1, kind: Template, metadata: {name: t}}'],
    ['YAML with a leading and a trailing ---', `---\n${HEAD}---\n`],
  ])('%s: defaults to empty parameters, objects and labels', (_name, text) => {
    expect(parseTemplate(text)).toMatchObject({ kind: 'Template', metadata: { name: 't' }, parameters: [], objects: [], labels: {} });
  });

  test.each([
    ['YAML single quotes', `${HEAD}parameters:\n- name: P\n  generate: expression\n  from: '[\\w]{10}'\n`],
    ['YAML double quotes', `${HEAD}parameters:\n- name: P\n  generate: expression\n  from: "[\\\\w]{10}"\n`],
    ['JSON', '{"apiVersion":"v1","kind":"Template","metadata":{"name":"t"},"parameters":[{"name":"P","generate":"expression","from":"[\\\\w]{10}"}]}'],
  ])('generator backslashes survive %s', (_name, text) => {
    expect(parseTemplate(text).parameters[0]?.from).toBe('[\\w]{10}');
  });

  test('objects keep values YAML 1.1 gives them, as Kubernetes reads YAML', () => {
    const template = parseTemplate(`${HEAD}objects:\n- kind: Secret\n  mode: 0644\n  enabled: yes\n  date: 2024-01-02\n  ratio: 1:20\n`);
    expect(template.objects[0]).toEqual({ kind: 'Secret', mode: 420, enabled: true, date: '2024-01-02', ratio: '1:20' });
  });

  test('null optional parameter fields count as absent', () => {
    const template = parseTemplate(`${HEAD}parameters:\n- name: P\n  value:\n  required:\n  generate: ""\n`);
    expect(template.parameters).toEqual([{ name: 'P' }]);
  });

  test('parameter names follow OpenShift (digits may lead)', () => {
    expect(parseTemplate(`${HEAD}parameters:\n- name: 2FA_SECRET\n- name: _x\n`).parameters.map((p) => p.name)).toEqual(['2FA_SECRET', '_x']);
  });
});

describe('parseTemplate: malformed templates', () => {
  const param = (lines: string): string => `${HEAD}parameters:\n- name: A\n- name: B\n${lines}`;
  test.each([
    ['a List, not a Template', 'apiVersion: v1\nkind: List\nitems: []\n', 'kind', /must be "Template", got "List"/],
    ['kind missing', 'apiVersion: v1\nmetadata:\n  name: t\n', 'kind', /got nothing/],
    ['a bare Kubernetes object', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n', 'kind', /got "Service"/],
    ['wrong apiVersion', 'apiVersion: template.openshift.io/v2\nkind: Template\nmetadata:\n  name: t\n', 'apiVersion', /must be one of/],
    ['metadata missing', 'apiVersion: v1\nkind: Template\n', 'metadata', /must be an object/],
    ['metadata.name missing', 'apiVersion: v1\nkind: Template\nmetadata: {}\n', 'metadata.name', /is required/],
    ['objects not a list', `${HEAD}objects:\n  kind: Service\n`, 'objects', /must be a list/],
    ['object without kind', `${HEAD}objects:\n- kind: Service\n- apiVersion: v1\n`, 'objects[1].kind', /is required/],
    ['object that is a string', `${HEAD}objects:\n- Service\n`, 'objects[0]', /must be an object, got "Service"/],
    ['parameters not a list', `${HEAD}parameters:\n  A: 1\n`, 'parameters', /must be a list/],
    ['duplicate parameter', param('- name: A\n'), 'parameters[2].name', /"A" is already declared by parameters\[0\]/],
    ['bad parameter name', param('- name: DB-USER\n'), 'parameters[2].name', /"DB-USER" must match/],
    ['parameter without name', param('- value: x\n'), 'parameters[2].name', /is required/],
    ['generate without from', param('- name: C\n  generate: expression\n'), 'parameters[2].from', /required when generate/],
    ['unknown generator', param('- name: C\n  generate: random\n  from: x\n'), 'parameters[2].generate', /must be "expression"/],
    ['unquoted number value', param('- name: C\n  value: 5\n'), 'parameters[2].value', /must be a string, got number 5/],
    ['required as a string', param('- name: C\n  required: "true"\n'), 'parameters[2].required', /true or false/],
    ['label value not a string', `${HEAD}labels:\n  replicas: 3\n`, 'labels.replicas', /must be a string/],
    ['annotation value not a string', 'apiVersion: v1\nkind: Template\nmetadata:\n  name: t\n  annotations:\n    x: [1]\n', 'metadata.annotations.x', /got a list/],
    ['message not a string', `${HEAD}message:\n  a: b\n`, 'message', /must be a string/],
    ['a YAML list', '- kind: Template\n', 'document', /got a list/],
    ['empty text', '', 'document', /is empty/],
    ['two YAML documents', `${HEAD}---\n${HEAD}`, 'document', /2 YAML documents/],
    ['broken YAML', `${HEAD}objects: [\n`, 'document', /is not valid YAML/],
    ['duplicate YAML key', `${HEAD}kind: Template\n`, 'document', /is not valid YAML: Map keys must be unique/],
    ['a YAML alias bomb', `${HEAD}a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n`, 'document', /is not valid YAML: Excessive alias count/],
    ['broken JSON', '{"apiVersion": "v1", "kind": "Template",', 'document', /is not valid JSON/],
  ])('%s', (_name, text, path, problem) => {
    const error = errorOf(() => parseTemplate(text));
    expect(error.code).toBe('TEMPLATE_INVALID');
    expect(error.message).toContain(`template: ${path} `);
    expect(error.message).toMatch(problem);
    expect(error.details).toMatchObject({ path });
  });

  test('the source file is named in the error', () => {
    const error = errorOf(() => parseTemplate(`${HEAD}parameters:\n- name: A\n- name: B\n- name: bad name\n`, 'templates/db.yaml'));
    expect(error.message).toMatch(/^templates\/db\.yaml: parameters\[2\]\.name "bad name" must match/);
    expect(error.details).toEqual({ source: 'templates/db.yaml', path: 'parameters[2].name' });
  });
});
