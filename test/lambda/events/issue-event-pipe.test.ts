/**
 * docs/architecture.md "Events": the pipe's filter and input template, applied to the stream
 * records DynamoDB Local gives for our own items (NEW_IMAGE / OLD_IMAGE), publish one event per
 * new issue, signal added, resolution and move — and nothing for the other items, never a payload.
 */

import { DETAIL_TYPES } from '../../../lambda/core/issue-changes.ts';
import type { JsonObject } from '../../../lambda/core/json.ts';
import { EVENT_SOURCE, eventOf } from '../../../lambda/events/issue-event-pipe.ts';
import { IssueTriage } from '../../../lambda/storage/issue-triage.ts';
import { StreamEvents } from '../../../local/stream-events.ts';
import { draftFor } from '../../support/drafts.ts';
import { createTestTable, localDocumentClient, localEndpoint } from '../../support/dynamodb.ts';
import { logsAlertBody } from '../../support/posthog-bodies.ts';
import { serviceStore } from '../../support/webhook.ts';

const client = localDocumentClient();
afterAll(() => client.destroy());

const SECRET_IN_PAYLOAD = 'payload-only-8c1f';
const logsAlert = (type: string, at: string, count = 312): JsonObject =>
  logsAlertBody({ type, id: `e-${type}-${at}`, timestamp: at, count, data: { note: SECRET_IN_PAYLOAD } });

describe('issue events, from the stream through the pipe', () => {
  it('publishes a new issue, a signal added, a resolution, a lone resolution and a move, in order, without payloads', async () => {
    const tableName = await createTestTable();
    const events = new StreamEvents(localEndpoint(), tableName, 'TRIM_HORIZON');
    const store = serviceStore(client, tableName);
    const file = (body: JsonObject, at: string) => store.file(draftFor(body, { receivedAt: new Date(at) }));

    const opened = await file(logsAlert('firing', '2026-11-27T10:00:00.000Z'), '2026-11-27T10:00:00.000Z');
    await file(logsAlert('firing', '2026-11-27T11:00:00.000Z', 900), '2026-11-27T11:00:00.000Z');
    await file(logsAlert('resolved', '2026-11-27T12:00:00.000Z', 3), '2026-11-27T12:00:00.000Z');
    await new IssueTriage(client, tableName).move(String(opened.records.issue?.id), {
      status: 'in_progress',
      fromStatus: 'triage',
    });
    await file(
      {
        ...logsAlert('resolved', '2026-11-28T12:00:00.000Z', 3),
        data: {
          alert_id: 'other',
          result_count: 3,
          threshold_count: 100,
          threshold_operator: 'above',
          window_minutes: 5,
        },
      },
      '2026-11-28T12:00:00.000Z',
    );
    // A repeat writes nothing, so publishes nothing.
    await file(logsAlert('firing', '2026-11-27T10:00:00.000Z'), '2026-11-27T10:00:00.000Z');

    const published = await events.next();
    events.destroy();

    expect(published.map((event) => event.detailType)).toEqual([
      DETAIL_TYPES.opened,
      DETAIL_TYPES.signalAdded,
      DETAIL_TYPES.resolved,
      DETAIL_TYPES.statusChanged,
      DETAIL_TYPES.resolved,
    ]);
    expect(published.every((event) => event.source === EVENT_SOURCE)).toBe(true);
    const [first, added, resolved, moved, alone] = published.map((event) => event.detail);
    const issueId = opened.records.issue?.id;
    expect(first).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      at: expect.any(String),
      source: 'posthog',
      issueId,
      number: String(opened.records.issue?.number),
      title: 'PostHog: checkout errors 312 logs (above 100 in 5 min)',
      status: 'triage',
      fromStatus: '',
      priority: '1',
      signalId: opened.records.signal.id,
      kind: 'firing',
      severity: 'critical',
    });
    expect(added).toMatchObject({ issueId, kind: 'firing', status: 'triage' });
    expect(resolved).toMatchObject({ issueId, kind: 'resolved' });
    expect(moved).toMatchObject({ issueId, status: 'in_progress', fromStatus: 'triage', signalId: '' });
    expect(alone).toMatchObject({ issueId: '', number: '', kind: 'resolved' });
    expect(new Set(published.map((event) => event.detail.eventId)).size).toBe(5);
    expect(JSON.stringify(published)).not.toContain(SECRET_IN_PAYLOAD);
  });

  it('drops every record that carries no change: deletes, and items without one', () => {
    const image = { pk: { S: 'DELIVERY#x' }, sk: { S: 'DELIVERY' } };
    expect(eventOf({ eventName: 'INSERT', dynamodb: { NewImage: image } })).toBeUndefined();
    const change = { M: { detailType: { S: 'Issue Opened' }, title: { S: 'a "quoted" title\n' } } };
    expect(eventOf({ eventName: 'REMOVE', dynamodb: { OldImage: { ...image, change } } })).toBeUndefined();
    const rendered = eventOf({ eventName: 'MODIFY', dynamodb: { NewImage: { ...image, change } } });
    // Text is escaped as JSON: a title cannot break the template; missing fields are empty text.
    expect(rendered?.detail).toMatchObject({ title: 'a "quoted" title\n', issueId: '' });
  });
});
