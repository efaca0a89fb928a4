import { auth } from '../helpers/config.js';
import { startTestApi, type TestApi } from '../helpers/api.js';

// A builder pinned with a runtime version through the API, as `oc new-app python:3.11~<repo>`.
let t: TestApi;

beforeAll(async () => {
  t = await startTestApi();
  await t.createApp({ name: 'versioned', repo: 'git://127.0.0.1:9419/versioned.git', branch: 'main' });
});
afterAll(() => t.close());

const patch = (payload: object) => t.api.inject({ method: 'PATCH', url: '/apps/versioned/build-config', headers: auth, payload });

test.each(['python:3.11', 'nodejs:18', 'go:1.23.4', 'python:3.8'])("%s is stored as the app pins it (whether it is offered is the build's question)", async (builder) => {
  const res = await patch({ builder });
  expect(res.statusCode).toBe(200);
  expect((await t.services.apps.get('versioned')).builder).toBe(builder);
});

test.each([
  ['python:3.11-ubi8', /builder must match pattern/],
  ['python:latest', /builder must match pattern/],
  ['cobol:85', /builder "cobol" does not exist/],
])('%s is refused', async (builder, message) => {
  const res = await patch({ builder });
  expect(res.statusCode).toBe(400);
  expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(message) });
});

test('an app is created with a versioned builder', async () => {
  const res = await t.api.inject({ method: 'POST', url: '/apps', headers: auth, payload: { name: 'versioned-new', repo: 'git://127.0.0.1:9419/x.git', builder: 'nodejs:18' } });
  expect(res.statusCode).toBe(201);
  expect((await t.services.apps.get('versioned-new')).builder).toBe('nodejs:18');
});
