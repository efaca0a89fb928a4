import { firstValue, judgeMetric, metricQuery } from '../../../src/releases/progressive/metric-judge.js';

describe('metricQuery', () => {
  test('replaces the variables, and nothing else', () => {
    expect(metricQuery('sum(x{namespace="{{namespace}}",app="{{ app }}",release="{{release}}"}) / sum(x{release="{{stable}}"}) {{other}}', { namespace: 'shop', app: 'web', release: 7, stable: 6 })).toBe(
      'sum(x{namespace="shop",app="web",release="7"}) / sum(x{release="6"}) {{other}}',
    );
  });
});

describe('firstValue of a Prometheus answer', () => {
  test.each([
    ['a vector', { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, '0.25'] }, { metric: {}, value: [1, '9'] }] } }, 0.25],
    ['a scalar', { status: 'success', data: { resultType: 'scalar', result: [1, '3'] } }, 3],
    ['an empty vector', { status: 'success', data: { resultType: 'vector', result: [] } }, undefined],
    ['NaN (0/0)', { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, 'NaN'] }] } }, undefined],
    ['a matrix (a range query): not a value', { status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [[1, '1']] }] } }, undefined],
    ['not an answer', 'oops', undefined],
  ])('%s', (_name, answer, expected) => {
    expect(firstValue(answer)).toBe(expected);
  });
});

describe('judgeMetric', () => {
  const spec = { query: 'q', max: 0.01 };
  test.each([
    ['below the threshold', spec, { value: 0.005 }, 'passed', '0.005 ≤ 0.01'],
    ['at the threshold', spec, { value: 0.01 }, 'passed', '0.01 ≤ 0.01'],
    ['above it', spec, { value: 0.2 }, 'failed', '0.2 > 0.01'],
    ['no data', spec, {}, 'passed', 'no data yet'],
    ['no data, failOnNoData', { ...spec, failOnNoData: true }, {}, 'failed', 'no data, and failOnNoData is set'],
    ['Prometheus not reached', spec, { error: 'connect ECONNREFUSED 127.0.0.1:19090' }, 'failed', 'Prometheus could not be asked: connect ECONNREFUSED 127.0.0.1:19090'],
  ] as const)('%s', (_name, given, answer, state, message) => {
    expect(judgeMetric({ spec: given, query: 'q', ...answer, at: 't' })).toMatchObject({ state, message, query: 'q', max: given.max });
  });
});
