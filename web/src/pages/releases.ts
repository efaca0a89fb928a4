import { api } from '../api.js';
import { releaseChanges, type Change } from '../diff.js';
import { badge, errorText, fill, h, shortImage, when } from '../dom.js';
import type { Cleanup, PageContext } from '../page.js';
import type { Release } from '../types.js';
import { FORMER_RELEASE_STATES, rollbackAftermath, rolloutInFlight, SETTLED_RELEASE_STATES, verificationSummary } from '../types.js';
import { appHeader } from './app-tabs.js';
import { rolloutPanel, type RolloutCommand } from './rollout-panel.js';

const POLL_MS = 1000;

/** Release history with what each release changed, and a rollback (confirmed) to any earlier good one. */
export function releasesPage(ctx: PageContext, [name]: string[]): Cleanup {
  const app = name!;
  document.title = `${app} releases · Slipway`;
  const abort = new AbortController();
  const list = h('ol', { class: 'releases', 'aria-label': 'Releases, newest first' });
  const status = h('p', { role: 'status', id: 'release-status' }, 'Loading releases…');
  const dialog = confirmDialog();
  fill(ctx.main, ...appHeader(app, 'releases'), status, list, dialog.element);

  let timer: number | undefined;
  // The release a rollback from this page made: the status line follows it until it settles.
  let following: number | undefined;
  const load = async () => {
    window.clearTimeout(timer);
    try {
      const { current, releases } = await api<{ current: number | null; releases: Release[] }>(`/apps/${encodeURIComponent(app)}/releases`, { signal: abort.signal });
      fill(list, releases.map((release, i) => releaseItem({ release, previous: releases[i + 1], current, onRollback: rollback, onCommand: command })));
      if (releases.length === 0) status.textContent = 'No releases yet: a succeeded build with autoDeploy, or `slipway deploy`, makes the first.';
      const followed = releases.find((r) => r.number === following);
      if (followed && SETTLED_RELEASE_STATES.includes(followed.status)) {
        status.textContent = `Release #${followed.number} is ${followed.status}${followed.failure ? `: ${followed.failure.reason}` : ''}.`;
        following = undefined;
      }
      // While a release is rolling out (or a blue-green one keeps the release before scaled), keep the list live.
      if (releases.some((r) => !SETTLED_RELEASE_STATES.includes(r.status) || rolloutInFlight(r))) timer = window.setTimeout(load, POLL_MS);
    } catch (error) {
      if (!abort.signal.aborted) status.textContent = `Could not load the releases: ${errorText(error)}`;
    }
  };

  async function rollback(target: Release): Promise<void> {
    const confirmed = await dialog.ask(`Roll back ${app} to release #${target.number}?`, `This makes a new release with release #${target.number}'s image (${shortImage(target.image)}) and config; the app's config becomes #${target.number}'s too.`, 'Roll back');
    if (!confirmed) return;
    status.textContent = `Rolling back to #${target.number}…`;
    try {
      const release = await api<Release>(`/apps/${encodeURIComponent(app)}/rollback`, { method: 'POST', body: { to: target.number }, signal: abort.signal });
      status.textContent = `Release #${release.number} created: a rollback to #${target.number}. It is rolling out.`;
      following = release.number;
      await load();
    } catch (error) {
      if (!abort.signal.aborted) status.textContent = `The rollback failed: ${errorText(error)}`;
    }
  }

  /** Promote or abort the rollout in flight; the deploy job takes the command within a second, and the list shows what it did. */
  async function command(release: Release, what: RolloutCommand): Promise<void> {
    if (what === 'abort') {
      const confirmed = await dialog.ask(
        `Abort the rollout of release #${release.number}?`,
        `All traffic goes back to release #${release.progress?.stable ?? '?'}, and release #${release.number} ends failed (Aborted).`,
        'Abort',
      );
      if (!confirmed) return;
    }
    const label = what === 'abort' ? 'Abort' : what === 'promote-full' ? 'Promote to 100%' : 'Promote';
    try {
      const path = `/apps/${encodeURIComponent(app)}/${what === 'abort' ? 'abort' : 'promote'}`;
      const answer = await api<Release>(path, { method: 'POST', body: what === 'promote-full' ? { full: true } : {}, signal: abort.signal });
      status.textContent = `${label} sent to release #${answer.number}: the rollout takes it within a second.`;
      await load();
    } catch (error) {
      if (!abort.signal.aborted) status.textContent = `${label} failed: ${errorText(error)}`;
    }
  }

  status.textContent = ctx.notice ?? '';
  void load();
  return () => {
    abort.abort();
    window.clearTimeout(timer);
  };
}

function releaseItem(params: { release: Release; previous?: Release; current: number | null; onRollback: (r: Release) => void; onCommand: (r: Release, c: RolloutCommand) => void }): HTMLElement {
  const { release, previous, current } = params;
  const changes = releaseChanges(release, previous);
  const trigger =
    release.trigger.kind === 'rollback' ? `rollback to #${release.trigger.rollbackOf}` : release.trigger.buildId ? `${release.trigger.kind}, build ${release.trigger.buildId}` : release.trigger.kind;
  // Any earlier release that once ran can be rolled back to (the API refuses the current one).
  const canRollBack = release.number !== current && FORMER_RELEASE_STATES.includes(release.status);
  return h(
    'li',
    { class: 'release', 'data-release': release.number, 'aria-labelledby': `release-${release.number}` },
    h(
      'div',
      { class: 'release-head' },
      h('h2', { id: `release-${release.number}` }, `Release #${release.number}`),
      badge(release.status),
      release.number === current ? h('span', { class: 'muted' }, ' (serving)') : null,
      h('span', { class: 'muted' }, ` ${trigger} · ${when(release.createdAt)}`),
      canRollBack ? h('button', { type: 'button', class: 'rollback', onclick: () => params.onRollback(release) }, `Roll back to #${release.number}`) : null,
    ),
    h('p', { class: 'mono' }, release.image),
    release.failure ? h('p', { class: 'error' }, `${release.failure.reason}: ${release.failure.message}`) : null,
    release.failure?.pods.some((p) => p.log) ? crashLogs(release.failure.pods) : null,
    release.rolledBackTo ? h('p', { class: 'muted' }, `Rolled back to #${release.rolledBackTo.number}: ${release.rolledBackTo.message}`) : null,
    release.rolledBackTo ? rollbackList(release) : null,
    release.verification
      ? h('p', { class: release.verification.state === 'failed' ? 'error verification' : 'muted verification' }, `Verification ${verificationSummary(release.verification)}`)
      : null,
    rolloutPanel({ release, onCommand: params.onCommand }),
    previous ? changeTable(changes, previous.number) : h('p', { class: 'muted' }, 'The first release.'),
  );
}

/** What the automatic rollback put back in the app's config and deleted from the cluster. */
function rollbackList(release: Release): HTMLElement | null {
  const parts = rollbackAftermath(release);
  if (parts.length === 0) return null;
  return h('ul', { class: 'muted rollback-aftermath', 'aria-label': `What the rollback of #${release.number} restored and deleted` }, parts.map((p) => h('li', null, p)));
}

/** The last log lines of each crashed container the failure names. */
function crashLogs(pods: NonNullable<Release['failure']>['pods']): HTMLElement {
  return h(
    'div',
    { class: 'crash-logs' },
    pods
      .filter((p) => p.log)
      .map((p) => h('details', { open: true }, h('summary', null, `${p.pod}${p.exitCode !== undefined ? ` exited with code ${p.exitCode}` : ''}: last log lines`), h('pre', { class: 'mono' }, p.log ?? ''))),
  );
}

function changeTable(changes: Change[], against: number): HTMLElement {
  if (changes.length === 0) return h('p', { class: 'muted' }, `Same image and config as #${against}.`);
  return h(
    'table',
    { class: 'diff', 'aria-label': `Changes since release #${against}` },
    h('caption', null, `Changes since #${against}`),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, `#${against}`), h('th', { scope: 'col' }, 'This release'))),
    h(
      'tbody',
      null,
      changes.map((c) =>
        h('tr', null, h('th', { scope: 'row', class: 'mono' }, c.field), h('td', { class: 'mono old' }, c.from ?? h('em', null, 'unset')), h('td', { class: 'mono new' }, c.to ?? h('em', null, 'unset'))),
      ),
    ),
  );
}

/** A modal <dialog> that answers true (confirm) or false (cancel, Escape). */
function confirmDialog(): { element: HTMLDialogElement; ask: (title: string, text: string, confirmLabel: string) => Promise<boolean> } {
  const title = h('h2', { id: 'confirm-title' });
  const text = h('p', { id: 'confirm-text' });
  const confirm = h('button', { value: 'confirm', type: 'submit', class: 'danger' });
  const element = h(
    'dialog',
    { 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-text' },
    h('form', { method: 'dialog' }, title, text, h('div', { class: 'actions' }, h('button', { value: 'cancel', type: 'submit' }, 'Cancel'), confirm)),
  );
  return {
    element,
    ask(heading, body, confirmLabel) {
      title.textContent = heading;
      text.textContent = body;
      confirm.textContent = confirmLabel;
      element.returnValue = '';
      element.showModal();
      return new Promise((resolve) => element.addEventListener('close', () => resolve(element.returnValue === 'confirm'), { once: true }));
    },
  };
}
