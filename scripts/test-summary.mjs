// Prints the closing line of a test run from jest's --json results:
// `tests: N passed, N failed` (+ `, N skipped`). Suites that failed to run count as failed.
// Exits non-zero when anything failed or no result file was written.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
let results;
try {
  results = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  console.log('tests: 0 passed, 1 failed');
  console.error(`no jest results at ${file}`);
  process.exit(1);
}
const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
const skipped = results.numPendingTests + results.numTodoTests;
console.log(`tests: ${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || results.numTotalTests === 0 ? 1 : 0);
