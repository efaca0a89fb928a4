import type { BuildStore } from '../../src/store/build-store.js';
import type { App, Build, BuildTrigger } from '../../src/store/types.js';

/** A queued build record, as the atomic step of queueBuild writes it, with no queue job (tests run it by hand, or sweep it). */
export async function recordBuild(builds: BuildStore, params: { app: App; ref: string; sha: string; trigger: BuildTrigger }): Promise<Build> {
  const created = await builds.createQueued(params);
  if (created.kind !== 'created') throw new Error(`no build recorded: ${created.kind}`);
  return created.build;
}
