import { SlipwayError } from '../../errors.js';
import type { BuilderPlan, PlanInput } from '../plan.js';
import { namedInstall } from '../builder-failure.js';
import { readS2iOverrides } from '../s2i-overrides.js';
import { procfileWeb, shellStart } from './procfile.js';

/**
 * What Bundler prints when it cannot get a gem: from RubyGems (offline or unreachable) or, offline,
 * from the installed ones. Matched line by line, and Bundler wraps a long list of gems
 * (`Could not find rails-6.1.7.6, pg-1.2.3, ...` over lines, `in any of the sources` on the last).
 */
export const BUNDLE_UNREACHABLE = 'could not find (gem|[a-z0-9_.-]+-[0-9])|in any of the sources|cached gems or installed locally|locally installed gems|could not fetch specs|could not reach host|failed to open tcp connection|network error';
/** Gems named in a message at most; the rest are counted. */
const NAMED_GEMS = 10;

/** A gem in Gemfile.lock's specs (`    puma (6.4.2)`), the way sclorg's scripts grep for ` puma `. */
const locked = (lock: string, gem: string) => new RegExp(`^\\s+${gem} \\(`, 'm').test(lock);

/**
 * How to build a Ruby app, after sclorg's Ruby S2I: `bundle install` with the Gemfile (its lock
 * and .ruby-version, which a Gemfile may read) alone, into GEM_HOME. A Rails app (config/application.rb
 * and rails in the lock) gets `rake assets:precompile` at build when its Rakefile offers the task,
 * unless DISABLE_ASSET_COMPILATION=true, with RAILS_ENV from RACK_ENV (production); it runs with
 * RAILS_SERVE_STATIC_FILES and RAILS_LOG_TO_STDOUT set, as on Heroku (no web server in front
 * serves public/). Start: a Procfile `web:`, else puma when locked, else `rails server` for
 * Rails, else rackup on config.ru, each bound to 0.0.0.0:$PORT.
 */
export async function planRuby(input: PlanInput): Promise<BuilderPlan> {
  const has = (f: string) => input.files.includes(f);
  const manifests = ['Gemfile', 'Gemfile.lock', '.ruby-version'].filter(has);
  const lock = (await input.read('Gemfile.lock')) ?? '';
  const rails = locked(lock, 'rails') && (await input.read('config/application.rb')) !== undefined;
  const overrides = await readS2iOverrides(input);
  const env = { ...overrides.buildEnv, ...overrides.runtimeEnv };
  const assets = rails ? assetsDecision({ disabled: env.DISABLE_ASSET_COMPILATION, rakefile: has('Rakefile'), rake: locked(lock, 'rake') }) : undefined;
  const start = await startOf({ input, lock, rails });
  return {
    values: {
      installSteps: [`COPY ${manifests.join(' ')} ./`, bundleInstall(gemfileGems((await input.read('Gemfile')) ?? ''))].join('\n'),
      // sclorg's assemble: only when `rake -T` lists the task (an API-only app has none).
      buildSteps: assets?.run
        ? 'RUN if bundle exec rake -T 2>/dev/null | grep -q "assets:precompile"; then RAILS_ENV="${RAILS_ENV:-${RACK_ENV:-production}}" SECRET_KEY_BASE="${SECRET_KEY_BASE:-assets-precompile-only}" bundle exec rake assets:precompile; else echo "Slipway: no assets:precompile task"; fi'
        : '',
      railsEnv: rails ? 'ENV RAILS_SERVE_STATIC_FILES=1 RAILS_LOG_TO_STDOUT=1' : '',
      startCommand: start.command,
    },
    reasons: [`install: bundle install (${manifests.join(', ')})`, ...(assets ? [assets.reason] : []), `start: ${start.description}`],
  };
}

/** Whether a Rails app's assets are precompiled at build, as sclorg's assemble decides (its `rake -T` check runs at build). */
export function assetsDecision(params: { disabled?: string; rakefile: boolean; rake: boolean }): { run: boolean; reason: string } {
  if (params.disabled === 'true') return { run: false, reason: 'build: no assets:precompile (DISABLE_ASSET_COMPILATION=true)' };
  if (!params.rakefile) return { run: false, reason: 'build: no assets:precompile (Rails app without a Rakefile)' };
  if (!params.rake) return { run: false, reason: 'build: no assets:precompile (rake is not in Gemfile.lock)' };
  return { run: true, reason: 'build: bundle exec rake assets:precompile when the Rakefile has it (Rails app), RAILS_ENV production' };
}

async function startOf(params: { input: PlanInput; lock: string; rails: boolean }): Promise<{ command: string; description: string }> {
  const { input, lock, rails } = params;
  const web = procfileWeb(await input.read('Procfile'));
  if (web) return { command: shellStart(web), description: `${web} (Procfile web)` };
  // Puma reads config/puma.rb (threads, workers) when there is one; the bind given here wins over its port.
  if (locked(lock, 'puma')) return { command: shellStart('bundle exec puma -b "tcp://0.0.0.0:$PORT"'), description: 'bundle exec puma on 0.0.0.0:$PORT (puma in Gemfile.lock)' };
  if (rails) return { command: shellStart('bundle exec rails server -b 0.0.0.0 -p "$PORT"'), description: 'bundle exec rails server on 0.0.0.0:$PORT (Rails app)' };
  if (input.files.includes('config.ru')) {
    return { command: shellStart('bundle exec rackup --host 0.0.0.0 --port "$PORT" config.ru'), description: 'bundle exec rackup config.ru on 0.0.0.0:$PORT (config.ru found)' };
  }
  throw new SlipwayError('BUILD_STRATEGY_UNKNOWN', 'nothing to start: no Procfile web:, no puma in Gemfile.lock, not a Rails app and no config.ru');
}

/** The gems a Gemfile names (`gem "sinatra", "~> 3.0"`), in order. */
export function gemfileGems(gemfile: string): string[] {
  return [...gemfile.matchAll(/^\s*gem\s+["']([A-Za-z0-9_.-]+)["']/gm)].map((m) => m[1]!);
}

/**
 * `bundle install`, whose failure to get the gems (RubyGems unreachable, or not among the
 * installed ones offline) is said in one line naming them; any other failure is Bundler's own
 * output. As composer's in php.ts.
 */
export function bundleInstall(gems: string[]): string {
  if (!gems.length) return 'RUN bundle install';
  const named = gems.slice(0, NAMED_GEMS).join(', ') + (gems.length > NAMED_GEMS ? ` and ${gems.length - NAMED_GEMS} more` : '');
  const message = `bundle install could not get ${named} from RubyGems (rubygems.org) or the sources the Gemfile names: the build cannot reach them; make them reachable from the build network, or set a mirror (bundle config mirror.https://rubygems.org)`;
  return namedInstall({ command: 'bundle install', log: '/tmp/bundle.log', unreachable: BUNDLE_UNREACHABLE, message });
}
