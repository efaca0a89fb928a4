import type { AddressInfo } from 'node:net';
import { ApiClient, CliError } from '../../src/cli/client.js';
import { deleteCommand, statusCommand } from '../../src/cli/commands/inspect.js';
import { buildSecretCommand } from '../../src/cli/commands/build-settings.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { TEST_TOKEN } from '../helpers/config.js';

// The CLI against a real, listening API: a name that looks like a query or a path is sent as
// one encoded segment, so it names nothing but itself (issue 14).
let t: TestApi;
let client: ApiClient;
const lines: string[] = [];
const print = (line: string) => lines.push(line);

beforeAll(async () => {
  t = await startTestApi();
  await t.api.listen({ host: '127.0.0.1', port: 0 });
  client = new ApiClient({ url: `http://127.0.0.1:${(t.api.server.address() as AddressInfo).port}`, token: TEST_TOKEN });
  await t.createApp({ name: 'x', repo: 'git://127.0.0.1:9419/x.git' });
});
afterAll(() => t.close());

const failure = async (run: () => Promise<void>): Promise<string> => {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return (error as Error).message;
  }
  throw new Error('the command succeeded');
};

test.each([
  ["slipway delete 'x?volumes=delete'", 'x?volumes=delete'],
  ["slipway delete 'x#'", 'x#'],
  ["slipway delete 'x/builds'", 'x/builds'],
  ["slipway delete '../apps/x'", '../apps/x'],
  ["slipway delete 'x%3Fvolumes=delete'", 'x%3Fvolumes=delete'],
])('%s asks for the app literally named that: refused, and app "x" is untouched', async (_name, name) => {
  const message = await failure(() => deleteCommand({ client, app: name, deleteVolumes: false, print }));
  expect(message).toMatch(/VALIDATION_FAILED|APP_NOT_FOUND/);
  expect(await t.services.apps.find('x')).toBeDefined();
});

test("'.' and '..' never leave the CLI", async () => {
  for (const name of ['.', '..']) expect(await failure(() => statusCommand(client, name, print))).toContain('is not a name');
  expect(await t.services.apps.find('x')).toBeDefined();
});

test('a build secret name is one segment too', async () => {
  const message = await failure(() => buildSecretCommand({ client, action: 'unset', app: 'x', args: ['A/../../../apps/x'], print }));
  expect(message).toMatch(/VALIDATION_FAILED|BUILD_SECRET_NOT_FOUND/);
  expect(await t.services.apps.find('x')).toBeDefined();
});

test('the plain name still works', async () => {
  await deleteCommand({ client, app: 'x', deleteVolumes: false, print });
  expect(lines.at(-1)).toMatch(/Deleted app x/);
  expect(await t.services.apps.find('x')).toBeUndefined();
});
