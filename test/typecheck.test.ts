import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

// The whole project (src, workers, test, bench) type-checks under strict settings.
test('tsc --noEmit passes', async () => {
  const run = promisify(execFile);
  const result = await run('node', ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json']).catch((error: { stdout: string }) => error);
  expect(result.stdout).toBe('');
}, 180_000);
