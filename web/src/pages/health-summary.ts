import { badge, h } from '../dom.js';
import type { AppStatus } from '../types.js';

/** An app's health in a few words: its state and, once deployed, how many replicas are ready. */
export function healthSummary(status: AppStatus): HTMLElement {
  return h('span', { class: 'health' }, badge(status.state), status.state === 'not-deployed' ? '' : ` ${status.ready}/${status.desired} ready`);
}
