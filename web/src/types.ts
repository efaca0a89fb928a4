// The shapes the dashboard reads from the API.

// Records and their state lists come from the server's own definitions; those files import
// nothing but types, so no server code is bundled (test/architecture keeps it so).
export type { App, Build, Release } from '../../src/store/types.js';

export type { AppStatus, ProvisionedDatabase as Database } from '../../src/store/views.js';
export { rollbackAftermath, rollbackSummary, rolledBackOnto, rolloutInFlight, rolloutSummary, verificationSummary } from '../../src/store/views.js';

export { FINAL_BUILD_STATES, FORMER_RELEASE_STATES, SETTLED_RELEASE_STATES } from '../../src/store/types.js';
