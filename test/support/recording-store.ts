import { type LoopRecords, loopRecordsFor, type SignalDraft } from '../../lambda/domain/loop-records.ts';
import type { SignalStore, StoredDelivery } from '../../lambda/storage/signal-store.ts';

/**
 * An in-memory SignalStore for handler tests: keeps every new draft, numbers issues 1, 2, 3…,
 * and replays a repeated delivery key.
 */
export class RecordingStore implements SignalStore {
  readonly drafts: SignalDraft[] = [];
  failWith: Error | undefined;
  private readonly byKey = new Map<string, LoopRecords>();

  async createSignalWithIssue(draft: SignalDraft): Promise<StoredDelivery> {
    if (this.failWith) throw this.failWith;
    const earlier = this.byKey.get(draft.deliveryKey);
    if (earlier)
      return { records: earlier, payloadJson: JSON.stringify(earlier.signal.payload), replayed: true };
    this.drafts.push(draft);
    const n = this.drafts.length;
    const records = loopRecordsFor(draft, { signalId: `signal-${n}`, issueId: `issue-${n}`, issueNumber: n });
    this.byKey.set(draft.deliveryKey, records);
    return { records, payloadJson: draft.payloadText, replayed: false };
  }
}
