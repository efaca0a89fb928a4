import { knownBuilder, loadBuilders } from '../../../src/builds/builder-catalog.js';
import { detectStrategy } from '../../../src/builds/strategy.js';
import { parseBuilderRef } from '../../../src/builds/versions/builder-ref.js';

const builders = loadBuilders();

test.each([
  ['python', { name: 'python' }],
  ['python:3.11', { name: 'python', version: '3.11' }],
  ['nodejs:18', { name: 'nodejs', version: '18' }],
  ['go:1.23.4', { name: 'go', version: '1.23.4' }],
  ['python:3.11-ubi8', undefined],
  ['python:latest', undefined],
  ['Python', undefined],
  ['python:', undefined],
])('parseBuilderRef(%s)', (ref, expected) => expect(parseBuilderRef(ref)).toEqual(expected));

describe('a builder pinned on the app with a version', () => {
  test('detection returns the builder and the version', () => {
    expect(detectStrategy({ files: ['package.json'], builder: 'nodejs:18', builders })).toMatchObject({
      name: 'nodejs',
      builder: { name: 'nodejs' },
      version: '18',
      reasons: ['builder "nodejs:18" pinned on the app'],
    });
    expect(detectStrategy({ files: ['package.json'], builder: 'nodejs', builders }).version).toBeUndefined();
  });

  test('an unknown builder with a version fails as an unknown builder', () => {
    expect(() => detectStrategy({ files: ['app.py'], builder: 'cobol:85', builders })).toThrow(expect.objectContaining({ code: 'BUILD_STRATEGY_UNKNOWN' }));
  });

  // Availability is the build's question: a template's BuildConfig asking for python:3.8 provisions, its build fails.
  test.each(['python', 'python:3.11', 'python:3.8'])('knownBuilder accepts %s', (ref) => expect(knownBuilder(ref)).toBe(ref));
  test.each([
    ['cobol:85', /builder "cobol" does not exist/],
    ['python:3.11-ubi8', /neither a builder name nor name:version/],
  ])('knownBuilder refuses %s', (ref, message) => expect(() => knownBuilder(ref)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', message: expect.stringMatching(message) })));
});
