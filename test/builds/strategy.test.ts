import { loadBuilders } from '../../src/builds/builder-catalog.js';
import { detectStrategy } from '../../src/builds/strategy.js';

const builders = loadBuilders();
const pkg = (p: object) => JSON.stringify(p);
const vite = pkg({ scripts: { dev: 'vite', build: 'vite build' }, devDependencies: { vite: '^5.4.0' } });

describe('detectStrategy', () => {
  test.each([
    ['Dockerfile', ['Dockerfile', 'package.json'], undefined, 'docker', 'Dockerfile', ['Dockerfile found']],
    ['Containerfile', ['Containerfile', 'src'], undefined, 'docker', 'Containerfile', ['Containerfile found']],
    ['Dockerfile wins over Containerfile', ['Containerfile', 'Dockerfile'], undefined, 'docker', 'Dockerfile', ['Dockerfile found']],
    ['Dockerfile wins over every builder', ['Dockerfile', 'requirements.txt', 'go.mod'], undefined, 'docker', 'Dockerfile', ['Dockerfile found']],
    ['app-set dockerfile path', ['package.json'], 'deploy/Dockerfile.prod', 'docker', 'deploy/Dockerfile.prod', ['dockerfile "deploy/Dockerfile.prod" set on the app']],
    ['package.json', ['package.json', 'server.js'], undefined, 'nodejs', undefined, ['package.json found']],
  ])('%s', (_name, files, dockerfile, name, expectedDockerfile, reasons) => {
    const choice = detectStrategy({ files, dockerfile, builders });
    expect(choice.name).toBe(name);
    expect(choice.dockerfile).toBe(expectedDockerfile);
    expect(choice.reasons).toEqual(reasons);
  });

  test.each([
    ['requirements.txt', ['requirements.txt', 'app.py'], undefined, 'python', ['requirements.txt found']],
    ['pyproject.toml', ['pyproject.toml', 'poetry.lock', 'src'], undefined, 'python', ['pyproject.toml found']],
    ['Pipfile', ['Pipfile', 'Pipfile.lock'], undefined, 'python', ['Pipfile found']],
    ['Django with a package.json for its assets is python', ['manage.py', 'requirements.txt', 'package.json', 'mysite'], vite, 'python', ['requirements.txt found']],
    ['go.mod', ['go.mod', 'go.sum', 'main.go'], undefined, 'go', ['go.mod found']],
    ['pom.xml', ['pom.xml', 'src'], undefined, 'java', ['pom.xml found']],
    ['Spring app with a front-end package.json is java', ['pom.xml', 'package.json'], vite, 'java', ['pom.xml found']],
    ['Gemfile', ['Gemfile', 'Gemfile.lock', 'config.ru'], undefined, 'ruby', ['Gemfile found']],
    ['Rails with a package.json is ruby', ['Gemfile', 'package.json', 'app'], pkg({ scripts: { build: 'esbuild app.js' } }), 'ruby', ['Gemfile found']],
    ['composer.json', ['composer.json', 'public'], undefined, 'php', ['composer.json found']],
    ['index.php alone', ['index.php'], undefined, 'php', ['index.php found']],
    ['Laravel with Vite for its assets is php', ['composer.json', 'artisan', 'package.json'], vite, 'php', ['composer.json found']],
    ['index.html alone is a static site', ['index.html', 'style.css'], undefined, 'static', ['index.html found']],
    ['Vite app (index.html + package.json) is a static build', ['index.html', 'package.json', 'src'], vite, 'static', ['package.json: a build script with vite and no server']],
    [
      'Create React App: react-scripts start is its dev server',
      ['package.json', 'public', 'src'],
      pkg({ scripts: { start: 'react-scripts start', build: 'react-scripts build' }, dependencies: { 'react-scripts': '5.0.1' } }),
      'static',
      ['package.json: a build script with react-scripts and no server'],
    ],
    ['the slipway.static hint', ['package.json', 'build.js'], pkg({ scripts: { build: 'node build.js' }, slipway: { static: 'dist' } }), 'static', ['package.json "slipway.static": "dist"']],
    ['a node server with a top-level index.html is nodejs', ['package.json', 'index.html', 'server.js'], pkg({ scripts: { start: 'node server.js' } }), 'nodejs', ['package.json found']],
    ['vite beside an express server is nodejs', ['package.json', 'index.html'], pkg({ scripts: { build: 'vite build' }, dependencies: { express: '4', vite: '5' } }), 'nodejs', ['package.json found']],
    ['vite with a node start script is nodejs', ['package.json'], pkg({ scripts: { build: 'vite build', start: 'node dist/server.js' }, devDependencies: { vite: '5' } }), 'nodejs', ['package.json found']],
    ['SvelteKit (vite + @sveltejs/kit) is nodejs', ['package.json'], pkg({ scripts: { build: 'vite build' }, devDependencies: { vite: '5', '@sveltejs/kit': '2' } }), 'nodejs', ['package.json found']],
    ['"slipway.static": false keeps a vite app on nodejs', ['package.json'], pkg({ scripts: { build: 'vite build' }, devDependencies: { vite: '5' }, slipway: { static: false } }), 'nodejs', ['package.json found']],
    ['invalid package.json is left to the nodejs planner to report', ['package.json', 'index.html'], '{', 'nodejs', ['package.json found']],
  ])('%s', (_name, files, packageJson, name, reasons) => {
    const choice = detectStrategy({ files, builders, texts: packageJson === undefined ? {} : { 'package.json': packageJson } });
    expect(choice).toMatchObject({ name, reasons });
    expect(choice.builder?.name).toBe(name);
  });

  test('the order does not depend on how the builders were listed', () => {
    const files = ['requirements.txt', 'go.mod', 'pom.xml', 'Gemfile', 'composer.json', 'package.json', 'index.html'];
    expect(detectStrategy({ files, builders: [...builders].reverse() }).name).toBe('python');
    expect(detectStrategy({ files: files.slice(1), builders: [...builders].reverse() }).name).toBe('java');
    expect(detectStrategy({ files: files.slice(3), builders }).name).toBe('ruby');
  });

  describe('a builder pinned on the app', () => {
    test('wins over detection and over a Dockerfile found in the repo', () => {
      for (const files of [['package.json', 'requirements.txt'], ['Dockerfile', 'app.py']]) {
        expect(detectStrategy({ files, builder: 'python', builders })).toMatchObject({ name: 'python', builder: { name: 'python' }, reasons: ['builder "python" pinned on the app'] });
      }
    });
    test('an explicit dockerfile path set on the app still comes first', () => {
      expect(detectStrategy({ files: ['app.py'], dockerfile: 'Dockerfile.dev', builder: 'python', builders })).toMatchObject({ name: 'docker', dockerfile: 'Dockerfile.dev' });
    });
    test('an unknown name is a clear error that lists the builders', () => {
      expect(() => detectStrategy({ files: ['app.py'], builder: 'cobol', builders })).toThrow(
        expect.objectContaining({ code: 'BUILD_STRATEGY_UNKNOWN', message: 'builder "cobol" pinned on the app does not exist; builders: go, java, nodejs, php, python, ruby, static' }),
      );
    });
  });

  test('nothing recognisable is a clear error that lists what was looked for', () => {
    expect(() => detectStrategy({ files: ['README.md'], builders })).toThrow(
      expect.objectContaining({
        code: 'BUILD_STRATEGY_UNKNOWN',
        message: 'no Dockerfile and no builder matches: looked for Dockerfile, Containerfile, requirements.txt, pyproject.toml, Pipfile, pom.xml, build.gradle, build.gradle.kts, go.mod, Gemfile, composer.json, index.php, index.html, package.json',
      }),
    );
  });
});
