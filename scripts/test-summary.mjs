// Prints the closing line of a test run from jest's --json results (one file per shard, all
// added up): `tests: N passed, N failed` (+ `, N skipped`). Suites that failed to run count as
// failed, and so does a shard that wrote no result file. Exits non-zero when anything failed or
// no test ran at all.
import { readFileSync } from 'node:fs';

const totals = { passed: 0, failed: 0, skipped: 0, total: 0 };
for (const file of process.argv.slice(2)) {
  let results;
  try {
    results = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    console.error(`no jest results at ${file}`);
    totals.failed += 1;
    continue;
  }
  totals.passed += results.numPassedTests;
  totals.failed += results.numFailedTests + results.numRuntimeErrorTestSuites;
  totals.skipped += results.numPendingTests + results.numTodoTests;
  totals.total += results.numTotalTests;
}
if (process.argv.length <= 2) {
  console.error('no jest result files given');
  totals.failed += 1;
}
const { passed, failed, skipped, total } = totals;
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || total === 0 ? 1 : 0);
