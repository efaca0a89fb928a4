import { api } from '../api.js';
import { badge, duration, errorText, fill, h, when } from '../dom.js';
import type { Cleanup, PageContext } from '../page.js';
import { readEventStream } from '../sse.js';
import type { Build } from '../types.js';
import { FINAL_BUILD_STATES } from '../types.js';

const STATE_REFRESH_MS = 2000;
const RECONNECT_MS = 1000;

/** One build: its record, and its log followed live over the API's SSE stream. */
export function buildPage(ctx: PageContext, [id]: string[]): Cleanup {
  const buildId = id!;
  document.title = `Build ${buildId} · Slipway`;
  const abort = new AbortController();
  const facts = h('dl', { class: 'facts' });
  const state = h('span', { id: 'build-state', 'aria-live': 'polite' }, '…');
  const streamStatus = h('p', { id: 'log-status', class: 'muted', role: 'status' }, 'Connecting to the log…');
  const log = h('pre', { id: 'build-log', class: 'log', role: 'log', 'aria-label': 'Build log', tabindex: 0 });
  const crumbs = h('p', { class: 'crumbs' }, h('a', { href: '/ui/' }, 'Apps'), ' / ');
  fill(ctx.main, crumbs, h('h1', null, 'Build ', h('span', { class: 'mono' }, buildId), ' ', state), facts, h('h2', null, 'Log'), streamStatus, log);

  let timer: number | undefined;
  let ended = false;
  let shownState = '';
  const refresh = async () => {
    window.clearTimeout(timer);
    try {
      const build = await api<Build>(`/builds/${encodeURIComponent(buildId)}`, { signal: abort.signal });
      shownState = build.state;
      fill(crumbs, h('a', { href: '/ui/' }, 'Apps'), ' / ', h('a', { href: `/ui/apps/${encodeURIComponent(build.app)}` }, build.app), ' / ');
      fill(state, badge(build.state));
      fill(facts, ...describe(build));
      if (FINAL_BUILD_STATES.includes(build.state) && ended) return;
    } catch (error) {
      if (abort.signal.aborted) return;
      fill(state, h('span', { class: 'error' }, errorText(error)));
    }
    window.clearTimeout(timer);
    if (!abort.signal.aborted) timer = window.setTimeout(refresh, STATE_REFRESH_MS);
  };
  void refresh();

  // Follow the log; after a dropped connection, resume from the last event the server sent.
  void (async () => {
    let lastEventId: string | undefined;
    let lines = 0;
    while (!abort.signal.aborted && !ended) {
      try {
        streamStatus.textContent = 'Following the log live…';
        await readEventStream({
          url: `/builds/${encodeURIComponent(buildId)}/logs`,
          lastEventId,
          signal: abort.signal,
          onEvent(event) {
            if (event.id) lastEventId = event.id;
            if (event.event === 'end') {
              ended = true;
              const { state: final } = JSON.parse(event.data) as { state: string };
              streamStatus.textContent = `The build ended: ${final}. ${lines} log lines.`;
              window.clearTimeout(timer);
              void refresh();
              return;
            }
            // Log lines mean the build has started: show its new state now rather than at the next poll.
            if (shownState === 'queued') {
              shownState = 'starting';
              void refresh();
            }
            const follow = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
            log.append(`${JSON.parse(event.data) as string}\n`);
            lines += 1;
            // Keep following the tail unless the reader scrolled up to read something.
            if (follow) log.scrollTop = log.scrollHeight;
          },
        });
      } catch (error) {
        if (abort.signal.aborted) return;
        streamStatus.textContent = `The log stream broke (${errorText(error)}); reconnecting…`;
      }
      if (!ended && !abort.signal.aborted) await new Promise((r) => setTimeout(r, RECONNECT_MS));
    }
  })();

  return () => {
    abort.abort();
    window.clearTimeout(timer);
  };
}

function describe(build: Build): HTMLElement[] {
  const rows: Array<[string, string | Node | Array<string | Node>]> = [
    ['App', h('a', { href: `/ui/apps/${encodeURIComponent(build.app)}` }, build.app)],
    ['Commit', [h('span', { class: 'mono' }, build.sha.slice(0, 12)), ` on ${build.ref}`]],
    ['Trigger', build.trigger.provider ? `${build.trigger.kind} (${build.trigger.provider})` : build.trigger.kind],
    ['Strategy', build.strategy ? `${build.strategy.name}: ${build.strategy.reasons.join('; ')}` : '—'],
    ['Started', `${when(build.startedAt ?? build.createdAt)}${build.startedAt ? `, ${FINAL_BUILD_STATES.includes(build.state) ? 'took' : 'running for'} ${duration(build.startedAt, build.finishedAt)}` : ''}`],
  ];
  if (build.image) rows.push(['Image', h('span', { class: 'mono' }, `${build.image.tags.join(', ')} @ ${build.image.digest}`)]);
  if (build.failure) rows.push(['Failure', h('span', { class: 'error' }, `${build.failure.code} while ${build.failure.step}: ${build.failure.reason}`)]);
  if (build.cancellation) rows.push(['Cancelled', `${build.cancellation.reason} (while ${build.cancellation.step})`]);
  return rows.flatMap(([term, value]) => [h('dt', null, term), h('dd', null, ...(Array.isArray(value) ? value : [value]))]);
}
