import type { Progress, Release } from '../../store/types.js';
import type { ReleaseStore } from '../../store/release-store.js';
import { withEvent } from './progress.js';

/** Keeps a rollout's progress on its release record, one write per change, each with what happened. */
export class ProgressRecorder {
  constructor(
    private readonly releases: ReleaseStore,
    public release: Release,
  ) {}

  get progress(): Progress {
    return this.release.progress!;
  }

  async record(patch: Partial<Progress>, event?: string, extra: Partial<Release> = {}): Promise<Release> {
    const at = new Date().toISOString();
    let progress: Progress = { ...this.progress, ...patch };
    if (event) progress = withEvent(progress, event, at);
    this.release = await this.releases.update(this.release.app, this.release.number, { ...extra, progress });
    return this.release;
  }
}
