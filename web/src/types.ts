// The shapes the dashboard reads from the API.

// Records come from the server's own definitions (type-only: nothing of src/ is bundled).
export type { App, Build, Release } from '../../src/store/types.js';

export type { AppStatus, ProvisionedDatabase as Database } from '../../src/store/views.js';

export { FINAL_BUILD_STATES } from '../../src/store/types.js';
export const SETTLED_RELEASE_STATES = ['current', 'superseded', 'failed', 'rolled-back'];
