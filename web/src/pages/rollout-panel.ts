// A blue-green or canary rollout on the releases page: the step, the traffic share, each side's
// pods, every analysis, what the rollout did, and promote/abort while it is in flight.
import { badge, h, when } from '../dom.js';
import type { Release } from '../types.js';
import { rolloutInFlight, rolloutSummary } from '../types.js';

export type RolloutCommand = 'promote' | 'promote-full' | 'abort';

/** The panel for a release with `progress`; null for a release rolled out any other way. */
export function rolloutPanel(params: { release: Release; onCommand: (release: Release, command: RolloutCommand) => void }): HTMLElement | null {
  const { release } = params;
  const progress = release.progress;
  if (!progress) return null;
  const [headline, ...analyses] = rolloutSummary(release);
  const canary = progress.strategy === 'Canary';
  const stable = progress.stable === undefined ? 'the stable release' : `#${progress.stable}`;
  const shareId = `rollout-share-${release.number}`;
  const inFlight = rolloutInFlight(release);
  const button = (label: string, command: RolloutCommand, cls = '') => h('button', { type: 'button', class: cls, onclick: () => params.onCommand(release, command) }, label);
  return h(
    'section',
    { class: 'rollout', 'aria-label': `Rollout of release #${release.number}`, 'data-phase': progress.phase },
    h(
      'div',
      { class: 'rollout-head' },
      h('h3', null, `${canary ? 'Canary' : 'Blue-green'} rollout`),
      badge(progress.phase),
      canary ? h('span', { class: 'muted' }, ` step ${progress.step} of ${progress.steps.length}: ${progress.steps.map((s) => `${s}%`).join(' → ')}`) : null,
      inFlight
        ? h(
            'span',
            { class: 'rollout-actions' },
            button('Promote', 'promote'),
            canary && progress.step < progress.steps.length ? button('Promote to 100%', 'promote-full') : null,
            button('Abort', 'abort', 'danger'),
          )
        : null,
    ),
    h('p', { class: progress.phase === 'aborted' ? 'error' : '' }, headline ?? ''),
    h(
      'p',
      { class: 'rollout-share' },
      h('label', { for: shareId }, `Traffic on #${release.number}: ${progress.share}%`),
      ' ',
      h('meter', { id: shareId, min: 0, max: 100, value: progress.share }),
      ' ',
      h('span', { class: 'muted' }, `pods: #${release.number} ${progress.replicas.release}, ${stable} ${progress.replicas.stable}`),
    ),
    analyses.length
      ? h(
          'ul',
          { class: 'rollout-analyses', 'aria-label': `Analyses of release #${release.number}` },
          progress.analyses.map((a, i) => h('li', { class: a.state === 'failed' ? 'error' : '' }, analyses[i] ?? '')),
        )
      : null,
    progress.events.length
      ? h('details', { class: 'rollout-events' }, h('summary', null, `What the rollout did (${progress.events.length})`), h('ol', null, progress.events.map((e) => h('li', null, h('span', { class: 'muted' }, when(e.at)), ` ${e.message}`))))
      : null,
  );
}
