import { h } from '../dom.js';
import type { App } from '../types.js';
import type { AutoscaleStatus } from '../../../src/store/views.js';

type Autoscale = NonNullable<App['deploy']['autoscale']>;

/** An app's autoscaler in a line: its range and targets, then what it does now (current and wanted pods, use). */
export function autoscaleSummary(autoscale: Autoscale, status: AutoscaleStatus | null | Error): HTMLElement {
  const targets = [autoscale.cpuPercent !== undefined ? `CPU ${autoscale.cpuPercent}%` : '', autoscale.memoryPercent !== undefined ? `memory ${autoscale.memoryPercent}%` : ''].filter(Boolean);
  const setting = `${autoscale.minReplicas}–${autoscale.maxReplicas} pods at ${targets.join(' and ')} of requests`;
  if (status instanceof Error) return h('span', null, setting, h('span', { class: 'error' }, ` (${status.message})`));
  if (!status) return h('span', null, setting, h('span', { class: 'muted' }, ' (not in the cluster yet)'));
  const use = [status.cpuPercent !== undefined ? `CPU ${status.cpuPercent}%` : '', status.memoryPercent !== undefined ? `memory ${status.memoryPercent}%` : ''].filter(Boolean);
  return h(
    'span',
    { id: 'autoscale-summary' },
    `${setting}; now ${status.currentReplicas} (wants ${status.desiredReplicas})${use.length ? `, ${use.join(', ')}` : ''}`,
    status.problem ? h('span', { class: 'error' }, ` ${status.problem}`) : '',
  );
}
