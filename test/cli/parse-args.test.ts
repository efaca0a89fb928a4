import { keyValues, paramFile, parseProbe, parseRepoArgument } from '../../src/cli/parse-args.js';

describe('parseRepoArgument', () => {
  test.each([
    ['https://github.com/acme/Shop-Front.git', { repo: 'https://github.com/acme/Shop-Front.git', ref: undefined, name: 'shop-front' }],
    ['https://github.com/acme/shop.git#develop', { repo: 'https://github.com/acme/shop.git', ref: 'develop', name: 'shop' }],
    ['git@github.com:acme/api_server.git#release/1.2', { repo: 'git@github.com:acme/api_server.git', ref: 'release/1.2', name: 'api-server' }],
    ['git://127.0.0.1:9419/node-server-1a2b.git', { repo: 'git://127.0.0.1:9419/node-server-1a2b.git', ref: undefined, name: 'node-server-1a2b' }],
    ['https://example.com/2048/', { repo: 'https://example.com/2048/', ref: undefined, name: '' }],
  ])('%s', (argument, expected) => expect(parseRepoArgument(argument)).toEqual(expected));
});

describe('keyValues', () => {
  test.each([
    [['A=1', 'B=x=y', 'EMPTY='], { A: '1', B: 'x=y', EMPTY: '' }],
    [[], {}],
  ])('%j', (pairs, expected) => expect(keyValues(pairs, '--env')).toEqual(expected));
  test.each([['novalue'], ['=1'], ['1A=x'], ['A B=x']])('%s is an error naming the flag', (pair) => {
    expect(() => keyValues([pair], '--env')).toThrow(/--env takes KEY=VALUE/);
  });
});

test('paramFile reads KEY=VALUE lines, skipping comments and blanks', () => {
  expect(paramFile('# database\nPOSTGRESQL_USER=app\n\nVOLUME_CAPACITY=2Gi\n')).toEqual({ POSTGRESQL_USER: 'app', VOLUME_CAPACITY: '2Gi' });
});

describe('parseProbe', () => {
  test.each([
    ['http:/healthz', { type: 'http', path: '/healthz' }],
    ['http:9000:/ready', { type: 'http', path: '/ready', port: 9000 }],
    ['tcp', { type: 'tcp' }],
    ['tcp:5432', { type: 'tcp', port: 5432 }],
    ['exec:pg_isready -U app', { type: 'exec', command: ['sh', '-c', 'pg_isready -U app'] }],
    ['off', { type: 'off' }],
  ])('%s', (spec, expected) => expect(parseProbe(spec, '--readiness')).toEqual(expected));
  test.each([['http'], ['http:healthz'], ['exec:'], ['udp:53'], ['tcp:x']])('%s is an error naming the flag', (spec) => {
    expect(() => parseProbe(spec, '--liveness')).toThrow(/--liveness takes/);
  });
});
