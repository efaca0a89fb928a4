import { PLANNERS } from '../../src/builds/planners.js';
import { checkoutReader } from '../../src/builds/checkout-reader.js';
import { DEFAULT_REPO_FILE_LIMIT, RepoFiles } from '../../src/builds/repo-files.js';
import { contextDir } from '../helpers/context-dir.js';

/** Runs builder `name`'s planner on a context made of `files`. */
async function plan(name: string, files: Record<string, string>) {
  const ctx = await contextDir(files);
  return PLANNERS[name]!(checkoutReader({ repo: await RepoFiles.open({ root: ctx.dir, limit: DEFAULT_REPO_FILE_LIMIT }), contextDir: '.', files: ctx.files }));
}

const sh = (command: string) => JSON.stringify(['/bin/sh', '-c', command]);

// The python planner's table: test/builds/python.test.ts.

describe('go planner', () => {
  const main = 'package main\n\nfunc main() {}\n';
  test.each([
    ['package main at the top level', { 'go.mod': 'module example.test/a\n', 'go.sum': '', 'main.go': main }, 'COPY go.mod go.sum ./\nRUN go mod download', '.', 'main.go is package main'],
    ['the only command in cmd/', { 'go.mod': 'module example.test/a\n', 'cmd/api/main.go': main, 'internal/x.go': 'package x\n' }, 'COPY go.mod ./\nRUN go mod download', './cmd/api', 'the only command in cmd/'],
    ['several commands: the one named like the module', { 'go.mod': 'module example.test/shop\n', 'cmd/shop/main.go': main, 'cmd/migrate/main.go': main }, 'COPY go.mod ./\nRUN go mod download', './cmd/shop', 'cmd/shop is named like module example.test/shop'],
    ['vendored modules are not downloaded', { 'go.mod': 'module a\n', 'vendor/modules.txt': '', 'main.go': main }, '', '.', 'main.go is package main'],
  ])('%s', async (_name, files, installSteps, pkg, why) => {
    const result = await plan('go', files);
    expect(result.values).toEqual({ installSteps, buildSteps: `RUN go build -trimpath -ldflags="-s -w" -o /out/app ${pkg}`, startCommand: '["/usr/local/bin/app"]' });
    expect(result.reasons[1]).toBe(`build: go build ${pkg} (${why}), CGO_ENABLED=0`);
  });

  test.each([
    ['no main package', { 'go.mod': 'module a\n', 'lib.go': 'package lib\n' }, 'no main package'],
    ['several commands, none named like the module', { 'go.mod': 'module a\n', 'cmd/x/main.go': main, 'cmd/y/main.go': main }, 'several commands in cmd/ (x, y)'],
  ])('%s is a clear error', async (_name, files, message) => {
    await expect(plan('go', files)).rejects.toMatchObject({ code: 'BUILD_STRATEGY_UNKNOWN', message: expect.stringContaining(message) });
  });
});

describe('java planner', () => {
  test('maven: go-offline with the pom alone, package, the one runnable jar', async () => {
    const result = await plan('java', { 'pom.xml': '<project/>', 'src/main/java/App.java': '' });
    expect(result.values.installSteps).toBe('COPY pom.xml ./\nRUN mvn -B -ntp -Dmaven.repo.local=/opt/m2 dependency:go-offline || echo "Slipway: dependency:go-offline stopped short; mvn package downloads what the build needs"');
    expect(result.values.buildSteps).toContain('mvn -B -ntp -Dmaven.repo.local=/opt/m2 package -DskipTests');
    expect(result.values.buildSteps).toContain("! -name '*-sources.jar' ! -name '*-javadoc.jar' ! -name '*-tests.jar' ! -name 'original-*'");
    expect(result.values.startCommand).toBe('["java","-jar","/app/app.jar"]');
  });

  test('the Maven Wrapper is used, with its .mvn folder copied before the install', async () => {
    const result = await plan('java', { 'pom.xml': '<project/>', mvnw: '#!/bin/sh\n', '.mvn/wrapper/maven-wrapper.properties': '' });
    expect(result.values.installSteps).toBe('COPY pom.xml mvnw ./\nCOPY .mvn .mvn\nRUN ./mvnw -B -ntp -Dmaven.repo.local=/opt/m2 dependency:go-offline || echo "Slipway: dependency:go-offline stopped short; mvn package downloads what the build needs"');
    expect(result.reasons[0]).toBe('install: ./mvnw (Maven Wrapper found) dependency:go-offline with pom.xml alone');
  });
});

describe('ruby planner', () => {
  test.each([
    ['config.ru: rackup on 0.0.0.0:$PORT', { Gemfile: '', 'Gemfile.lock': '', 'config.ru': '' }, 'COPY Gemfile Gemfile.lock ./', sh('exec bundle exec rackup --host 0.0.0.0 --port "$PORT" config.ru')],
    ['Procfile web wins', { Gemfile: '', '.ruby-version': '3.2', 'config.ru': '', Procfile: 'web: bundle exec puma -p $PORT\n' }, 'COPY Gemfile .ruby-version ./', sh('exec bundle exec puma -p $PORT')],
  ])('%s', async (_name, files, copy, startCommand) => {
    expect((await plan('ruby', files)).values).toEqual({ installSteps: `${copy}\nRUN bundle install`, buildSteps: '', railsEnv: '', startCommand });
  });

  test('nothing to start is a clear error', async () => {
    await expect(plan('ruby', { Gemfile: '' })).rejects.toMatchObject({ code: 'BUILD_STRATEGY_UNKNOWN', message: 'nothing to start: no Procfile web:, no puma in Gemfile.lock, not a Rails app and no config.ru' });
  });
});

describe('php planner', () => {
  test.each([
    ['index.php only: nothing to install', { 'index.php': '' }, '', '', ''],
    [
      'composer.json + lock, public/index.php as the document root',
      { 'composer.json': '{}', 'composer.lock': '{}', 'public/index.php': '' },
      'COPY composer.json composer.lock ./\nRUN composer install --no-dev --no-interaction --no-progress --prefer-dist --no-scripts --no-autoloader',
      'RUN composer dump-autoload --no-dev --optimize --no-interaction',
      '/public',
    ],
  ])('%s', async (_name, files, installSteps, buildSteps, documentRoot) => {
    expect((await plan('php', files)).values).toEqual({ installSteps, buildSteps, documentRoot, startCommand: '["apache2","-DFOREGROUND"]' });
  });
});

describe('static planner', () => {
  test('index.html: copied as it is, unknown paths 404', async () => {
    const { values } = await plan('static', { 'index.html': '<p>hi</p>' });
    expect(values).toMatchObject({ installSteps: '', notFound: '=404' });
    expect(values.buildSteps).toMatch(/^RUN for dir in \.; do if \[ -f "\$dir\/index.html" \]; then cp -a "\$dir" \/out\/site/);
  });

  test.each([
    ['vite: dist/', { 'package.json': JSON.stringify({ scripts: { build: 'vite build' }, devDependencies: { vite: '5' } }), 'package-lock.json': '{}' }, 'npm ci', 'dist'],
    ['create react app: build/', { 'package.json': JSON.stringify({ scripts: { build: 'react-scripts build' }, dependencies: { 'react-scripts': '5' } }) }, 'npm install', 'build'],
    [
      'angular: outputPath from angular.json, browser/ first',
      { 'package.json': JSON.stringify({ scripts: { build: 'ng build' }, devDependencies: { '@angular/cli': '18' } }), 'angular.json': JSON.stringify({ projects: { shop: { architect: { build: { options: { outputPath: 'dist/shop' } } } } } }) },
      'npm install',
      'dist/shop/browser dist/shop',
    ],
    ['the slipway.static hint names the folder', { 'package.json': JSON.stringify({ scripts: { build: 'node build.js' }, slipway: { static: 'out/' } }) }, 'npm install', 'out'],
  ])('%s', async (_name, files, install, dirs) => {
    const { values } = await plan('static', files);
    expect(values.installSteps).toMatch(new RegExp(`^COPY package.json.* \\./\\nRUN ${install} --no-audit --no-fund$`));
    expect(values.buildSteps).toMatch(new RegExp(`^RUN npm run build\\nRUN for dir in ${dirs}; do`));
    expect(values.notFound).toBe('/index.html');
  });
});
