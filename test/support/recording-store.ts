import { assertSameMessage } from '../../lambda/core/delivery-key.ts';
import { type LoopRecords, loopRecordsFor, type SignalDraft } from '../../lambda/core/loop-records.ts';
import type { SignalStore, StoredDelivery } from '../../lambda/storage/signal-store.ts';

/**
 * An in-memory SignalStore for handler tests: keeps every new draft, numbers issues 1, 2, 3…,
 * and replays a repeated delivery key (refusing one reused with another body, as the real store does).
 */
export class RecordingStore implements SignalStore {
  readonly drafts: SignalDraft[] = [];
  failWith: Error | undefined;
  private readonly byKey = new Map<string, { records: LoopRecords; bodySha256: string }>();

  async warmUp(): Promise<void> {}

  async createSignalWithIssue(draft: SignalDraft): Promise<StoredDelivery> {
    if (this.failWith) throw this.failWith;
    const earlier = this.byKey.get(draft.delivery.key);
    if (earlier) {
      assertSameMessage(earlier, draft.delivery);
      const { records } = earlier;
      return { records, payloadJson: JSON.stringify(records.signal.payload), replayed: true };
    }
    this.drafts.push(draft);
    const n = this.drafts.length;
    const records = loopRecordsFor(draft, { signalId: `signal-${n}`, issueId: `issue-${n}`, issueNumber: n });
    this.byKey.set(draft.delivery.key, { records, bodySha256: draft.delivery.bodySha256 });
    return { records, payloadJson: draft.payloadText, replayed: false };
  }
}
