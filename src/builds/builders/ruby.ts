import { SlipwayError } from '../../errors.js';
import type { BuilderPlan, PlanInput } from '../plan.js';
import { readS2iOverrides } from '../s2i-overrides.js';
import { procfileWeb, shellStart } from './procfile.js';

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
      installSteps: [`COPY ${manifests.join(' ')} ./`, 'RUN bundle install'].join('\n'),
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
