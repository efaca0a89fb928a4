import { SlipwayError } from '../../errors.js';
import type { BuilderPlan, PlanInput } from '../plan.js';
import { procfileWeb, shellStart } from './procfile.js';

/**
 * How to build a Ruby app: `bundle install` with the Gemfile (its lock and .ruby-version,
 * which a Gemfile may read) alone, into GEM_HOME; start with a Procfile `web:`, else rackup
 * on config.ru bound to 0.0.0.0:$PORT.
 */
export async function planRuby(input: PlanInput): Promise<BuilderPlan> {
  const manifests = ['Gemfile', 'Gemfile.lock', '.ruby-version'].filter((f) => input.files.includes(f));
  const web = procfileWeb(await input.read('Procfile'));
  const start = web
    ? { command: shellStart(web), description: `${web} (Procfile web)` }
    : input.files.includes('config.ru')
      ? { command: shellStart('bundle exec rackup --host 0.0.0.0 --port "$PORT" config.ru'), description: 'bundle exec rackup config.ru on 0.0.0.0:$PORT (config.ru found)' }
      : undefined;
  if (!start) throw new SlipwayError('BUILD_STRATEGY_UNKNOWN', 'nothing to start: no Procfile web: and no config.ru');
  return {
    values: { installSteps: [`COPY ${manifests.join(' ')} ./`, 'RUN bundle install'].join('\n'), buildSteps: '', startCommand: start.command },
    reasons: [`install: bundle install (${manifests.join(', ')})`, `start: ${start.description}`],
  };
}
