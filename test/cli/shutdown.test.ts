import { startTestApi, type TestApi } from '../helpers/api.js';
import { cliEnv, slipway } from '../helpers/cli.js';

// `slipway shutdown` as a separate process against a real, listening API. The app has no
// release yet: each change is saved for its first one.
let t: TestApi;
let env: Record<string, string>;

beforeAll(async () => {
  t = await startTestApi();
  env = await cliEnv(t.api);
  await t.createApp({ name: 'stops', repo: 'git://127.0.0.1:9419/stops.git' });
}, 60_000);
afterAll(() => t.close());

const stored = async () => (await t.services.apps.get('stops')).deploy.shutdown;

test.each<[string, string[], number, RegExp, unknown]>([
  ['both set', ['--pre-stop', '10', '--grace', '60'], 0, /Shutdown: 10 s preStop pause, then SIGTERM and 60 s to stop/, { preStopSeconds: 10, gracePeriodSeconds: 60 }],
  ['one flag keeps the other setting', ['--pre-stop', '0'], 0, /no preStop pause; SIGTERM and 60 s to stop/, { preStopSeconds: 0, gracePeriodSeconds: 60 }],
  ['a grace period the pause cannot fit in: refused, nothing changed', ['--pre-stop', '60'], 1, /preStopSeconds 60 must be less than gracePeriodSeconds 60.*VALIDATION_FAILED/, { preStopSeconds: 0, gracePeriodSeconds: 60 }],
  ['not whole seconds', ['--grace', '1.5'], 1, /--grace takes whole seconds, got "1.5"/, { preStopSeconds: 0, gracePeriodSeconds: 60 }],
  ['no flag', [], 1, /shutdown needs --grace, --pre-stop or --default/, { preStopSeconds: 0, gracePeriodSeconds: 60 }],
  ['--default: back to the defaults', ['--default'], 0, /Shutdown: the default preStop pause \(5 s; none with Recreate\), then SIGTERM and 30 s to stop/, undefined],
])('%s', async (_name, flags, code, said, expected) => {
  const result = await slipway(['shutdown', 'stops', ...flags, '--no-wait'], env);
  expect({ code: result.code, out: `${result.stdout}${result.stderr}` }).toEqual({ code, out: expect.stringMatching(said) });
  expect(await stored()).toEqual(expected);
}, 60_000);

test('settings shows it', async () => {
  await slipway(['shutdown', 'stops', '--grace', '45'], env);
  const result = await slipway(['settings', 'stops'], env);
  expect(JSON.parse(result.stdout)).toMatchObject({ shutdown: { gracePeriodSeconds: 45 } });
}, 60_000);
