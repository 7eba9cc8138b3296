import { filedJson } from '../../lambda/contract/shapes.ts';
import { assertSameMessage } from '../../lambda/core/delivery-key.ts';
import {
  issueOpenedBy,
  type LoopRecords,
  type SignalDraft,
  signalOf,
} from '../../lambda/core/loop-records.ts';
import type { SignalStore, StoredDelivery } from '../../lambda/intake/ports.ts';

/**
 * An in-memory SignalStore for handler tests: keeps every new draft, opens an issue for each
 * (numbered 1, 2, 3…; a resolution stands alone), and replays a repeated delivery key (refusing
 * one reused with another body, as the real store does). Grouping is the DynamoDB store's, tested
 * against DynamoDB Local.
 */
export class RecordingStore implements SignalStore {
  readonly drafts: SignalDraft[] = [];
  failWith: Error | undefined;
  private readonly byKey = new Map<string, { stored: StoredDelivery; bodySha256: string }>();

  async warmUp(): Promise<void> {}

  async file(draft: SignalDraft): Promise<StoredDelivery> {
    if (this.failWith) throw this.failWith;
    const earlier = this.byKey.get(draft.delivery.key);
    if (earlier) {
      assertSameMessage(earlier, draft.delivery);
      return { ...earlier.stored, replayed: true };
    }
    this.drafts.push(draft);
    const n = this.drafts.length;
    const alone = draft.reading.kind === 'resolved';
    const records: LoopRecords = alone
      ? { signal: signalOf(draft, `signal-${n}`, null), issue: null }
      : {
          signal: signalOf(draft, `signal-${n}`, `issue-${n}`),
          issue: issueOpenedBy(draft, `issue-${n}`, n),
        };
    const stored: StoredDelivery = {
      records,
      answer: filedJson(records.signal, records.issue, {
        signal: draft.payloadText,
        issue: alone ? null : draft.payloadText,
      }),
      signalId: records.signal.id,
      issueId: records.issue?.id ?? null,
      replayed: false,
      filing: alone ? 'alone' : 'opened',
    };
    this.byKey.set(draft.delivery.key, { stored, bodySha256: draft.delivery.bodySha256 });
    return stored;
  }
}
