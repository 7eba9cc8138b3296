import { filingChange } from '../../../lambda/core/issue-changes.ts';
import { issueOpenedBy, signalOf } from '../../../lambda/core/loop-records.ts';
import type { AlertRecord } from '../../../lambda/storage/items.ts';
import {
  alertDigest,
  type FilingWrite,
  filingFor,
  filingTransaction,
  nextIssueNumberUpdate,
  type PlanSettings,
} from '../../../lambda/storage/write-plan.ts';
import { draftFor } from '../../support/drafts.ts';

const settings: PlanSettings = {
  tableName: 'signals',
  dedupWindowSeconds: 600,
  dedupRecordRetentionSeconds: 86_400,
  groupFirings: true,
  episodeGapSeconds: 86_400,
};
const receivedAt = new Date('2026-11-27T10:00:00.000Z');
const arrival = receivedAt.getTime() / 1000;
const custom = draftFor(
  { name: 'page_load_time', value: 35 },
  { keyHeaders: { 'idempotency-key': 'k-1' }, receivedAt },
);
const firing = (at = receivedAt, kind = 'firing') =>
  draftFor(
    kind === 'resolved'
      ? {
          type: 'logs_alert.resolved',
          data: {
            alert_id: 'a-1',
            alert_name: 'errors',
            result_count: 1,
            threshold_count: 10,
            threshold_operator: 'above',
            window_minutes: 5,
          },
        }
      : { name: 'signups', value: -60, alert_id: 'a-1' },
    { receivedAt: at },
  );
const issue = issueOpenedBy(firing(), 'i-1', 7);
const alert = (overrides: Partial<AlertRecord> = {}): AlertRecord => ({
  version: 3,
  openedAt: arrival,
  lastActiveAt: arrival,
  issue,
  issuePayloadText: '{}',
  ...overrides,
});
const hours = (n: number) => new Date(receivedAt.getTime() + n * 3_600_000);

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

  describe('how a delivery is filed', () => {
    it('a delivery without an alert opens an issue; a firing of an alert with no record too', () => {
      expect(filingFor(custom, undefined, settings)).toEqual({ kind: 'opened' });
      expect(filingFor(firing(), undefined, settings)).toEqual({ kind: 'opened' });
    });

    it("joins the alert's open issue while it is open and the firing falls within the episode gap", () => {
      expect(filingFor(firing(hours(23)), alert(), settings).kind).toBe('joined');
      expect(filingFor(firing(hours(25)), alert(), settings).kind).toBe('opened');
      // A queued firing drained late, from before the episode's first: judged by its arrival.
      expect(filingFor(firing(hours(-23)), alert(), settings).kind).toBe('joined');
      expect(filingFor(firing(hours(-25)), alert(), settings).kind).toBe('opened');
    });

    it.each(['done', 'canceled'] as const)('opens a new issue once the open one is %s', (status) => {
      expect(filingFor(firing(), alert({ issue: { ...issue, status } }), settings).kind).toBe('opened');
    });

    it.each(['triage', 'backlog', 'todo', 'in_progress'] as const)('still joins an issue in %s', (status) => {
      expect(filingFor(firing(), alert({ issue: { ...issue, status } }), settings).kind).toBe('joined');
    });

    it('a resolution joins the open issue, or stands alone', () => {
      expect(filingFor(firing(receivedAt, 'resolved'), alert(), settings).kind).toBe('joined');
      expect(filingFor(firing(receivedAt, 'resolved'), undefined, settings).kind).toBe('alone');
    });

    it('with grouping off, every firing opens an issue', () => {
      expect(filingFor(firing(), alert(), { ...settings, groupFirings: false }).kind).toBe('opened');
    });
  });

  describe('the transaction', () => {
    const write = (overrides: Partial<FilingWrite> = {}): FilingWrite => {
      const draft = overrides.draft ?? custom;
      return {
        draft,
        signal: signalOf(draft, 's-1', 'i-1'),
        issue: issueOpenedBy(draft, 'i-1', 7),
        issuePayloadText: draft.payloadText,
        payloadsAsText: false,
        answer: '"signal":{},"issue":null',
        alert: undefined,
        filing: { kind: 'opened' },
        change: filingChange('opened', signalOf(draft, 's-1', 'i-1'), null, 'e-1', receivedAt),
        ...overrides,
      };
    };

    it('files a new delivery as dedup record, signal and issue, in that order', () => {
      const { TransactItems = [] } = filingTransaction(write(), settings);
      expect(TransactItems.map((item) => item.Put?.Item?.entity ?? 'check')).toEqual([
        'delivery',
        'check',
        'check',
        'signal',
        'issue',
      ]);
      expect(TransactItems.every((item) => (item.Put ?? item.ConditionCheck)?.TableName === 'signals')).toBe(
        true,
      );
    });

    it('writes the dedup record in its slice of arrival time, where none is, and checks the neighbouring slices by arrival', () => {
      const [dedup, before, after] = filingTransaction(write(), settings).TransactItems ?? [];
      const slice = Math.floor(arrival / 600);
      const pk = expect.stringMatching(/^DELIVERY#idempotency-key:[0-9a-f]{64}$/);
      expect(dedup?.Put).toMatchObject({
        Item: {
          pk,
          sk: `ARRIVED#${slice}`,
          bodySha256: custom.delivery.bodySha256,
          signalId: 's-1',
          issueId: 'i-1',
          filing: 'opened',
          arrivedAt: arrival,
          expiresAt: arrival + 600 + 86_400,
        },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      expect(before?.ConditionCheck).toMatchObject({
        Key: { pk, sk: `ARRIVED#${slice - 1}` },
        ConditionExpression: 'attribute_not_exists(#pk) OR #arrivedAt <= :bound',
        ExpressionAttributeValues: { ':bound': arrival - 600 },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      expect(after?.ConditionCheck).toMatchObject({
        Key: { pk, sk: `ARRIVED#${slice + 1}` },
        ConditionExpression: 'attribute_not_exists(#pk) OR #arrivedAt >= :bound',
        ExpressionAttributeValues: { ':bound': arrival + 600 },
      });
    });

    it('writes a new signal and issue only where they do not exist yet, with their keys and the stored payload', () => {
      const [, , , signal, newIssue] =
        filingTransaction(write({ payloadsAsText: true }), settings).TransactItems ?? [];
      for (const put of [signal?.Put, newIssue?.Put])
        expect(put?.ConditionExpression).toBe('attribute_not_exists(#pk)');
      expect(signal?.Put?.Item).toMatchObject({
        pk: 'ISSUE#i-1',
        sk: 'SIGNAL#s-1',
        payload: custom.payloadText,
      });
      expect(newIssue?.Put?.Item).toMatchObject({
        pk: 'ISSUE#i-1',
        sk: 'ISSUE',
        gsi1pk: 'ISSUE_NUMBER#7',
        gsi2pk: 'TRIAGE',
        signalPayload: custom.payloadText,
      });
    });

    it("opening an alert's issue writes its record too, only if none exists (or the version read is still there)", () => {
      const draft = firing();
      const digest = alertDigest('posthog', 'a-1');
      const fresh =
        filingTransaction(write({ draft, alert: { digest, seen: undefined } }), settings).TransactItems ?? [];
      expect(fresh[5]?.Put).toMatchObject({
        Item: {
          pk: `ALERT#${digest}`,
          sk: 'ALERT',
          version: 1,
          openedAt: arrival,
          lastActiveAt: arrival,
          alertKey: 'a-1',
        },
        ConditionExpression: 'attribute_not_exists(#pk)',
      });
      const again =
        filingTransaction(
          write({ draft, alert: { digest, seen: alert({ issue: { ...issue, status: 'done' } }) } }),
          settings,
        ).TransactItems ?? [];
      expect(again[5]?.Put).toMatchObject({
        Item: { version: 4 },
        ConditionExpression: '#version = :version',
        ExpressionAttributeValues: { ':version': 3 },
      });
    });

    it('joining writes the issue conditional on the status and priority last seen, and the record conditional on its version', () => {
      const draft = firing(hours(2));
      const seen = alert({ issue: { ...issue, status: 'in_progress', priority: 3 } });
      const items =
        filingTransaction(
          write({
            draft,
            signal: signalOf(draft, 's-2', 'i-1'),
            issue: { ...seen.issue, firings: 2 },
            issuePayloadText: '{}',
            alert: { digest: 'd', seen },
            filing: { kind: 'joined', alert: seen },
          }),
          settings,
        ).TransactItems ?? [];
      expect(items[4]?.Put).toMatchObject({
        Item: { pk: 'ISSUE#i-1', gsi2pk: 'IN_PROGRESS', firings: 2 },
        ConditionExpression: '#status = :status AND #priority = :priority',
        ExpressionAttributeValues: { ':status': 'in_progress', ':priority': 3 },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      expect(items[5]?.Put).toMatchObject({
        Item: { version: 4, openedAt: arrival, lastActiveAt: arrival + 7200 },
      });
    });

    it('a lone resolution writes its dedup record and signal only, the signal in a partition of its own', () => {
      const draft = firing(receivedAt, 'resolved');
      const items =
        filingTransaction(
          write({
            draft,
            signal: signalOf(draft, 's-3', null),
            issue: null,
            issuePayloadText: null,
            alert: { digest: 'd', seen: undefined },
            filing: { kind: 'alone' },
          }),
          settings,
        ).TransactItems ?? [];
      expect(items).toHaveLength(4);
      expect(items[3]?.Put?.Item).toMatchObject({
        pk: 'SIGNAL#s-3',
        sk: 'SIGNAL#s-3',
        issueId: null,
        kind: 'resolved',
      });
    });
  });
});
