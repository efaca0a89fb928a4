import { loadBuilders } from '../../src/build/builder-catalog.js';
import { detectStrategy } from '../../src/build/strategy.js';

const builders = loadBuilders();

describe('detectStrategy', () => {
  test.each([
    ['Dockerfile', ['Dockerfile', 'package.json'], undefined, 'docker', 'Dockerfile', ['Dockerfile found']],
    ['Containerfile', ['Containerfile', 'src'], undefined, 'docker', 'Containerfile', ['Containerfile found']],
    ['Dockerfile wins over Containerfile', ['Containerfile', 'Dockerfile'], undefined, 'docker', 'Dockerfile', ['Dockerfile found']],
    ['app-set dockerfile path', ['package.json'], 'deploy/Dockerfile.prod', 'docker', 'deploy/Dockerfile.prod', ['dockerfile "deploy/Dockerfile.prod" set on the app']],
    ['package.json', ['package.json', 'server.js'], undefined, 'nodejs', undefined, ['package.json found']],
  ])('%s', (_name, files, dockerfile, name, expectedDockerfile, reasons) => {
    const choice = detectStrategy({ files, dockerfile, builders });
    expect(choice.name).toBe(name);
    expect(choice.dockerfile).toBe(expectedDockerfile);
    expect(choice.reasons).toEqual(reasons);
  });

  test('nothing recognisable is a clear error that lists what was looked for', () => {
    expect(() => detectStrategy({ files: ['README.md'], builders })).toThrow(
      expect.objectContaining({ code: 'BUILD_STRATEGY_UNKNOWN', message: expect.stringContaining('Dockerfile, Containerfile, package.json') }),
    );
  });
});
