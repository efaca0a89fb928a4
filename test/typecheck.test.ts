import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

// The whole project (src, workers, test, bench) type-checks under strict settings; so does the
// dashboard (web/), against the DOM instead of Node, with its own tsconfig.
test.each(['tsconfig.json', 'web/tsconfig.json'])('tsc --noEmit -p %s passes', async (project) => {
  const run = promisify(execFile);
  const result = await run('node', ['node_modules/typescript/bin/tsc', '--noEmit', '-p', project]).catch((error: { stdout: string }) => error);
  expect(result.stdout).toBe('');
}, 180_000);
