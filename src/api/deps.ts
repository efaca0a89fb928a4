import type { Metrics } from '../metrics/metrics.js';
import type { Services } from '../services/services.js';

/** What the API needs, handed in by main.ts (or a test) so buildApp never opens connections. */
export type ApiDeps = Omit<Services, 'close'> & { metrics: Metrics };

/** What a caller hands buildApp: metrics are made there when the caller has none. */
export type ApiInput = Omit<Services, 'close'> & { metrics?: Metrics };
