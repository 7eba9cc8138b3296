import { loopRecordsFor } from '../../lambda/core/loop-records.ts';
import { newDeliveryTransaction, nextIssueNumberUpdate } from '../../lambda/storage/write-plan.ts';
import { draftFor } from '../support/drafts.ts';

const settings = { tableName: 'signals', dedupWindowSeconds: 600, dedupRecordRetentionSeconds: 86_400 };
const receivedAt = new Date('2026-11-27T10:00:00.000Z');
const draft = draftFor(
  { name: 'page_load_time', value: 35 },
  { keyHeaders: { 'idempotency-key': 'k-1' }, receivedAt },
);
const records = loopRecordsFor(draft, { signalId: 's-1', issueId: 'i-1', issueNumber: 7 });

describe('write plan (pure: no DynamoDB)', () => {
  it('takes an issue number with an atomic ADD on the counter that returns the new value', () => {
    expect(nextIssueNumberUpdate(settings)).toEqual({
      TableName: 'signals',
      Key: { pk: 'COUNTER', sk: 'ISSUE_NUMBER' },
      UpdateExpression: 'ADD #value :one',
      ExpressionAttributeNames: { '#value': 'value' },
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    });
  });

  it('files a new delivery as dedup record, signal and issue, in that order, in one transaction', () => {
    const { TransactItems = [] } = newDeliveryTransaction(draft, records, draft.payload, settings);

    expect(TransactItems.map((item) => item.Put?.Item?.entity)).toEqual(['delivery', 'signal', 'issue']);
    expect(TransactItems.every((item) => item.Put?.TableName === 'signals')).toBe(true);
  });

  it('writes the dedup record only where no live record for the key exists, and asks for the one that refuses', () => {
    const [dedup] = newDeliveryTransaction(draft, records, draft.payload, settings).TransactItems ?? [];
    const arrival = receivedAt.getTime() / 1000;

    expect(dedup?.Put).toMatchObject({
      Item: {
        pk: expect.stringMatching(/^DELIVERY#idempotency-key:[0-9a-f]{64}$/),
        sk: 'DELIVERY',
        bodySha256: draft.delivery.bodySha256,
        signalId: 's-1',
        issueId: 'i-1',
        dedupUntil: arrival + 600,
        expiresAt: arrival + 600 + 86_400,
      },
      ConditionExpression: 'attribute_not_exists(#pk) OR #dedupUntil <= :receivedAt',
      ExpressionAttributeValues: { ':receivedAt': arrival },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('writes the signal and the issue only where they do not exist yet, with their keys and the stored payload', () => {
    const [, signal, issue] = newDeliveryTransaction(draft, records, 'as text', settings).TransactItems ?? [];

    for (const put of [signal?.Put, issue?.Put]) {
      expect(put?.ConditionExpression).toBe('attribute_not_exists(#pk)');
    }
    expect(signal?.Put?.Item).toMatchObject({ pk: 'ISSUE#i-1', sk: 'SIGNAL#s-1', payload: 'as text' });
    expect(issue?.Put?.Item).toMatchObject({
      pk: 'ISSUE#i-1',
      sk: 'ISSUE',
      gsi1pk: 'ISSUE_NUMBER#7',
      gsi2pk: 'TRIAGE',
      signalPayload: 'as text',
    });
  });
});
