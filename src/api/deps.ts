import type { Services } from '../services.js';

/** What the API needs, handed in by main.ts (or a test) so buildApp never opens connections. */
export type ApiDeps = Omit<Services, 'close'>;
