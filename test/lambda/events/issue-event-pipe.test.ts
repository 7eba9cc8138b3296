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
      fromPriority: '',
      claimedBy: '',
      signalId: opened.records.signal.id,
      kind: 'firing',
      severity: 'critical',
      commentId: '',
      author: '',
    });
    expect(added).toMatchObject({ issueId, kind: 'firing', status: 'triage' });
    expect(resolved).toMatchObject({ issueId, kind: 'resolved' });
    expect(moved).toMatchObject({ issueId, status: 'in_progress', fromStatus: 'triage', signalId: '' });
    // A lone resolution still names its alert: the event carries its own title.
    expect(alone).toMatchObject({
      issueId: '',
      number: '',
      kind: 'resolved',
      title: 'PostHog: other 3 logs (above 100 in 5 min)',
    });
    expect(new Set(published.map((event) => event.detail.eventId)).size).toBe(5);
    expect(JSON.stringify(published)).not.toContain(SECRET_IN_PAYLOAD);
  });

  it('publishes every change a move, a claim and a note make: both of a move of status and priority, with what they were', async () => {
    const tableName = await createTestTable();
    const events = new StreamEvents(localEndpoint(), tableName, 'TRIM_HORIZON');
    const store = serviceStore(client, tableName);
    const triage = new IssueTriage(client, tableName);
    const at = '2026-11-27T10:00:00.000Z';
    const opened = await store.file(draftFor(logsAlert('firing', at), { receivedAt: new Date(at) }));
    const issueId = String(opened.records.issue?.id);
    await events.next();

    await triage.move(issueId, { status: 'todo', fromStatus: 'triage', priority: 3 });
    await triage.claimNext('agent-7');
    await triage.comment(issueId, 'Looking into it', { name: 'agent-7', type: 'agent' });
    await triage.move(issueId, {
      status: 'done',
      fromStatus: 'in_progress',
      reason: { body: 'Fixed the checkout', author: { name: 'agent-7', type: 'agent' } },
    });
    // A test delivery is stored, and tells nobody.
    await store.file(draftFor({ name: 'check', value: 1, test: true }, { receivedAt: new Date(at) }));

    const published = await events.next();
    events.destroy();

    expect(published.map(({ detailType, detail }) => [detailType, detail.status, detail.priority])).toEqual([
      [DETAIL_TYPES.statusChanged, 'todo', '3'],
      [DETAIL_TYPES.priorityChanged, 'todo', '3'],
      [DETAIL_TYPES.statusChanged, 'in_progress', '3'],
      [DETAIL_TYPES.commentAdded, 'in_progress', '3'],
      [DETAIL_TYPES.statusChanged, 'done', '3'],
      [DETAIL_TYPES.commentAdded, 'done', '3'],
    ]);
    const [moved, reprioritised, claimed, noted] = published.map((event) => event.detail);
    expect(moved).toMatchObject({ issueId, fromStatus: 'triage', fromPriority: '', claimedBy: '' });
    expect(reprioritised).toMatchObject({ issueId, fromStatus: '', fromPriority: '1' });
    expect(claimed).toMatchObject({ issueId, fromStatus: 'todo', claimedBy: 'agent-7' });
    expect(noted).toMatchObject({ issueId, commentId: expect.any(String), author: 'agent:agent-7' });
    // The note's text is never in an event: read it through the API.
    expect(JSON.stringify(published)).not.toContain('Looking into it');
    expect(new Set(published.map((event) => event.detail.eventId)).size).toBe(published.length);
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
