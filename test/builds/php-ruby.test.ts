import { composerPackages } from '../../src/builds/builders/php.js';
import { spawnSync } from 'node:child_process';
import { assetsDecision, BUNDLE_UNREACHABLE, bundleInstall, gemfileGems } from '../../src/builds/builders/ruby.js';
import { builderFailure } from '../../src/builds/builder-failure.js';
import { checkoutReader } from '../../src/builds/checkout-reader.js';
import { PLANNERS } from '../../src/builds/planners.js';
import { DEFAULT_REPO_FILE_LIMIT, RepoFiles } from '../../src/builds/repo-files.js';
import { contextDir } from '../helpers/context-dir.js';

async function plan(name: string, files: Record<string, string>) {
  const ctx = await contextDir(files);
  return PLANNERS[name]!(checkoutReader({ repo: await RepoFiles.open({ root: ctx.dir, limit: DEFAULT_REPO_FILE_LIMIT }), contextDir: '.', files: ctx.files }));
}
const sh = (command: string) => JSON.stringify(['/bin/sh', '-c', command]);

describe('php: the document root (sclorg DOCUMENT_ROOT, under the sources)', () => {
  test.each([
    ['plain PHP without composer.json: the top level', { 'index.php': '' }, '', 'serve: Apache mod_php from /var/www/html (the top level; DOCUMENT_ROOT in the app\'s env changes it at start)'],
    ['Laravel: public/index.php', { 'composer.json': '{}', 'artisan': '', 'public/index.php': '' }, '/public', 'serve: Apache mod_php from /var/www/html/public (public/index.php found; DOCUMENT_ROOT in the app\'s env changes it at start)'],
    ['DOCUMENT_ROOT in .s2i/environment wins', { 'index.php': '', 'public/index.php': '', '.s2i/environment': 'DOCUMENT_ROOT=/web/\n' }, '/web', 'serve: Apache mod_php from /var/www/html/web (DOCUMENT_ROOT in .s2i/; DOCUMENT_ROOT in the app\'s env changes it at start)'],
  ])('%s', async (_name, files, root, reason) => {
    const { values, reasons } = await plan('php', files);
    expect(values.documentRoot).toBe(root);
    expect(reasons[1]).toBe(reason);
  });

  test('a DOCUMENT_ROOT outside the sources is refused', async () => {
    await expect(plan('php', { 'index.php': '', '.s2i/environment': 'DOCUMENT_ROOT=/../etc\n' })).rejects.toMatchObject({ code: 'BUILD_S2I_INVALID' });
  });
});

describe('php: composer', () => {
  test.each([
    ['packages, not the platform', '{"require": {"php": ">=8.1", "ext-json": "*", "laravel/framework": "^11", "monolog/monolog": "^3"}}', ['laravel/framework', 'monolog/monolog']],
    ['nothing required', '{"autoload": {}}', []],
    ['not JSON', '{', []],
    ['a name unsafe in a shell word is left out', '{"require": {"a/b\\"; id": "1"}}', []],
  ])('composerPackages: %s', (_name, text, packages) => {
    expect(composerPackages(text)).toEqual(packages);
  });

  test('a dependency composer cannot download is named, with Packagist', async () => {
    const { values } = await plan('php', { 'composer.json': '{"require": {"monolog/monolog": "^3"}}', 'index.php': '' });
    expect(values.installSteps).toContain("|| { cat /tmp/composer.log >&2; grep -qiE 'could not be downloaded|");
    expect(values.installSteps).toContain('echo "slipway-failure BUILD_DEPENDENCY_UNAVAILABLE: composer install could not download monolog/monolog from Packagist (repo.packagist.org) or the repositories composer.json names');
  });

  test('without dependencies composer install runs as it is', async () => {
    const { values } = await plan('php', { 'composer.json': '{"autoload": {"psr-4": {"App\\\\": "src/"}}}' });
    expect(values.installSteps).toBe('COPY composer.json ./\nRUN composer install --no-dev --no-interaction --no-progress --prefer-dist --no-scripts --no-autoloader');
  });
});

describe('ruby: Rails, after sclorg', () => {
  const lock = (...gems: string[]) => `GEM\n  remote: https://rubygems.org/\n  specs:\n${gems.map((g) => `    ${g} (1.0)\n`).join('')}\n`;
  const rails = { Gemfile: 'gem "rails"\n', 'config/application.rb': '', 'config.ru': '', Rakefile: '' };

  test.each([
    ['on by default', {}, true, 'build: bundle exec rake assets:precompile when the Rakefile has it (Rails app), RAILS_ENV production'],
    ['DISABLE_ASSET_COMPILATION=true', { disabled: 'true' }, false, 'build: no assets:precompile (DISABLE_ASSET_COMPILATION=true)'],
    ['DISABLE_ASSET_COMPILATION=false is not true', { disabled: 'false' }, true, 'build: bundle exec rake assets:precompile when the Rakefile has it (Rails app), RAILS_ENV production'],
    ['no Rakefile', { rakefile: false }, false, 'build: no assets:precompile (Rails app without a Rakefile)'],
    ['rake not locked', { rake: false }, false, 'build: no assets:precompile (rake is not in Gemfile.lock)'],
  ])('assets: %s', (_name, change, run, reason) => {
    expect(assetsDecision({ rakefile: true, rake: true, ...change })).toEqual({ run, reason });
  });

  test.each([
    ['Rails with puma: puma, assets precompiled, static files served', { ...rails, 'Gemfile.lock': lock('rails', 'rake', 'puma') }, sh('exec bundle exec puma -b "tcp://0.0.0.0:$PORT"'), true],
    ['Rails without puma: rails server', { ...rails, 'Gemfile.lock': lock('rails', 'rake') }, sh('exec bundle exec rails server -b 0.0.0.0 -p "$PORT"'), true],
    ['Rails with DISABLE_ASSET_COMPILATION in .s2i/environment', { ...rails, 'Gemfile.lock': lock('rails', 'rake'), '.s2i/environment': 'DISABLE_ASSET_COMPILATION=true\n' }, sh('exec bundle exec rails server -b 0.0.0.0 -p "$PORT"'), false],
    ['Sinatra with puma: puma, no Rails steps', { Gemfile: '', 'Gemfile.lock': lock('sinatra', 'puma'), 'config.ru': '' }, sh('exec bundle exec puma -b "tcp://0.0.0.0:$PORT"'), false],
    ['rails locked but no config/application.rb: not a Rails app', { Gemfile: '', 'Gemfile.lock': lock('rails'), 'config.ru': '' }, sh('exec bundle exec rackup --host 0.0.0.0 --port "$PORT" config.ru'), false],
  ])('%s', async (_name, files, startCommand, precompile) => {
    const { values } = await plan('ruby', files);
    expect(values.startCommand).toBe(startCommand);
    expect(values.buildSteps.includes('bundle exec rake assets:precompile')).toBe(precompile);
    expect(values.railsEnv).toBe('config/application.rb' in files ? 'ENV RAILS_SERVE_STATIC_FILES=1 RAILS_LOG_TO_STDOUT=1' : '');
  });

  test('the precompile runs only when rake -T lists it, in production, with a throwaway secret when none is given', async () => {
    const { values } = await plan('ruby', { ...rails, 'Gemfile.lock': lock('rails', 'rake') });
    expect(values.buildSteps).toBe(
      'RUN if bundle exec rake -T 2>/dev/null | grep -q "assets:precompile"; then RAILS_ENV="${RAILS_ENV:-${RACK_ENV:-production}}" SECRET_KEY_BASE="${SECRET_KEY_BASE:-assets-precompile-only}" bundle exec rake assets:precompile; else echo "Slipway: no assets:precompile task"; fi',
    );
  });
});

describe('ruby: gems it cannot get are named (RubyGems unreachable from the build network)', () => {
  test.each([
    ['double and single quotes, versions, groups', 'source "https://rubygems.org"\ngem "sinatra", "~> 3.0"\n  gem \'puma\'\ngroup :test do\n  gem "rspec"\nend\n', ['sinatra', 'puma', 'rspec']],
    ['comments and gemspec are not gems', '# gem "old"\ngemspec\n', []],
  ])('%s', (_name, gemfile, gems) => {
    expect(gemfileGems(gemfile)).toEqual(gems);
  });

  // Bundler's own words, as the corpus's builds printed them, through the grep the step runs.
  test.each([
    ['offline, one gem', "Could not find gem 'roda (~> 3.80)' in cached gems or installed locally.\n", true],
    ['offline, a locked list wrapped over lines', 'Could not find rails-6.1.7.6, pg-1.2.3, sqlite3-1.4.4,\n  actioncable-6.1.7.6, crass-1.0.6 in\n  any of the sources\n', true],
    ['RubyGems unreachable', 'Could not fetch specs from https://rubygems.org/ due to underlying error <Gem::Net::OpenTimeout>\n', true],
    ['a native extension that does not compile is not a download failure', 'Gem::Ext::BuildError: ERROR: Failed to build gem native extension.\n', false],
  ])('grep: %s', (_name, log, matches) => {
    const grep = spawnSync('grep', ['-qiE', BUNDLE_UNREACHABLE], { input: log });
    expect(grep.status === 0).toBe(matches);
  });

  test('no gems: a plain bundle install', () => {
    expect(bundleInstall([])).toBe('RUN bundle install');
  });

  test('the failure line names at most ten gems, counts the rest, and reads as the build failure', () => {
    const gems = Array.from({ length: 12 }, (_, i) => `gem${i}`);
    const step = bundleInstall(gems);
    expect(step).toMatch(/^RUN bundle install >\/tmp\/bundle.log 2>&1 && cat \/tmp\/bundle.log \|\| \{/);
    const line = /echo "(slipway-failure [^"]+)"/.exec(step)![1]!;
    expect(builderFailure(line)).toEqual({
      code: 'BUILD_DEPENDENCY_UNAVAILABLE',
      message: expect.stringMatching(/^bundle install could not get gem0, gem1, .*gem9 and 2 more from RubyGems \(rubygems.org\)/),
    });
  });
});
