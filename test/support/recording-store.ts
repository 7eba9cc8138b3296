import { type LoopRecords, loopRecordsFor, type SignalDraft } from '../../lambda/domain/loop-records.ts';
import type { SignalStore } from '../../lambda/storage/signal-store.ts';

/** An in-memory SignalStore for handler tests: keeps every draft, numbers issues 1, 2, 3… */
export class RecordingStore implements SignalStore {
  readonly drafts: SignalDraft[] = [];
  failWith: Error | undefined;

  async createSignalWithIssue(draft: SignalDraft): Promise<LoopRecords> {
    if (this.failWith) throw this.failWith;
    this.drafts.push(draft);
    const n = this.drafts.length;
    return loopRecordsFor(draft, { signalId: `signal-${n}`, issueId: `issue-${n}`, issueNumber: n });
  }
}
