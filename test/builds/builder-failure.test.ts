import { builderFailure, failureEcho } from '../../src/builds/builder-failure.js';

// A build step's own `slipway-failure CODE: message` line becomes the build's failure.
test.each([
  ['a named failure', 'slipway-failure BUILD_TOOL_UNAVAILABLE: gradlew needs x', { code: 'BUILD_TOOL_UNAVAILABLE', message: 'gradlew needs x' }],
  ['trailing whitespace and CR', 'slipway-failure BUILD_OUTPUT_NOT_RUNNABLE: no jar \r', { code: 'BUILD_OUTPUT_NOT_RUNNABLE', message: 'no jar' }],
  ["the classic builder's colour codes around a step's stderr", '\u001b[91mslipway-failure BUILD_DEPENDENCY_UNAVAILABLE: no monolog\u001b[0m', { code: 'BUILD_DEPENDENCY_UNAVAILABLE', message: 'no monolog' }],
  ['a code builders may not name', 'slipway-failure BUILD_PUSH_FAILED: pretend', undefined],
  ['any other line', 'Step 5/12 : RUN mvn package', undefined],
  ['the prefix inside a line', 'echo slipway-failure BUILD_TOOL_UNAVAILABLE: x', undefined],
])('%s', (_name, line, expected) => {
  expect(builderFailure(line)).toEqual(expected);
});

test('what failureEcho prints is what builderFailure reads', () => {
  expect(failureEcho('BUILD_DEPENDENCY_UNAVAILABLE', 'no monolog/monolog')).toBe('echo "slipway-failure BUILD_DEPENDENCY_UNAVAILABLE: no monolog/monolog" >&2');
  expect(builderFailure('slipway-failure BUILD_DEPENDENCY_UNAVAILABLE: no monolog/monolog')).toEqual({ code: 'BUILD_DEPENDENCY_UNAVAILABLE', message: 'no monolog/monolog' });
});
