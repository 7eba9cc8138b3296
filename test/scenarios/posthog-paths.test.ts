import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { runCli } from '../../cli/signals-cli.ts';
import type { JsonObject } from '../../lambda/core/json.ts';
import { urlTokenOf } from '../../lambda/secret/url-token.ts';
import type { WebhookSecretSource } from '../../lambda/secret/webhook-secret-source.ts';
import { unreadableKeys } from '../../lambda/storage/table-design.ts';
import { localEndpoint, loopItems } from '../support/dynamodb.ts';
import { TEST_SECRET } from '../support/events.ts';
import { posthogFixture } from '../support/fixtures.ts';
import { captureOutputPerTest } from '../support/output.ts';
import { servedWebhook } from '../support/served-webhook.ts';

const PREVIOUS_SECRET = 'PreviousSecret0a1b2c3d4e5f6a7b8c9d0e1';
const TOKEN = urlTokenOf(TEST_SECRET);

const fixture = posthogFixture;

/** The secret just rotated: the previous one still counts, within its grace. */
const rotated: WebhookSecretSource = {
  accepted: async () => [TEST_SECRET, PREVIOUS_SECRET],
  refreshedAfterMismatch: async () => undefined,
};

describe('every PostHog delivery path, through the local server into DynamoDB Local', () => {
  const output = captureOutputPerTest(TEST_SECRET, PREVIOUS_SECRET, TOKEN, urlTokenOf(PREVIOUS_SECRET));
  const served = servedWebhook(rotated);
  const { client } = served;

  const post = (url: string, body: JsonObject | string, headers: Record<string, string>) =>
    fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const cli = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, {
      env: { DYNAMODB_PORT: new URL(localEndpoint()).port, TABLE_NAME: served.tableName },
      out: (text) => out.push(text),
      err: (text) => err.push(text),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('path A: a logs alert, with only the headers PostHog sends, through the URL token: firing, resolved, errored', async () => {
    const headers = fixture('logs-alert-firing').headers;
    expect(Object.keys(headers).map((name) => name.toLowerCase())).not.toContain('x-posthog-secret');

    const firing = await post(`${served.webhookUrl}/${TOKEN}`, fixture('logs-alert-firing').body, headers);
    expect(firing.status).toBe(201);
    const created = (await firing.json()) as { data: { issue: { id: string; title: string } } };
    expect(created.data.issue.title).toBe('PostHog: API 5xx errors 1,342 logs (above 1,000 in 5 min)');

    const resolved = await post(
      `${served.webhookUrl}/${TOKEN}`,
      fixture('logs-alert-resolved').body,
      headers,
    );
    expect(resolved.status).toBe(201);
    const errored = await post(`${served.webhookUrl}/${TOKEN}`, fixture('logs-alert-errored').body, headers);
    expect(errored.status).toBe(201);
    const answers = [await resolved.json(), await errored.json()] as { data: { issue: { id: string } } }[];
    expect(answers.map((answer) => answer.data.issue.id)).toEqual([
      created.data.issue.id,
      created.data.issue.id,
    ]);

    const shown = await cli(['show', created.data.issue.id]);
    expect(shown.out).toMatch(/Resolved at 2026-/);
  });

  it('path C: Alertmanager bodies with version 2 through the URL token: firing, then resolved', async () => {
    const { body, headers } = fixture('alertmanager-firing-two-alerts');
    const firing = await post(`${served.webhookUrl}/${TOKEN}`, body, headers);
    expect(firing.status).toBe(201);
    const resolved = fixture('alertmanager-resolved');
    const answer = await post(`${served.webhookUrl}/${TOKEN}`, resolved.body, resolved.headers);
    expect(answer.status).toBe(201);
  });

  it('path B: the insight alert default body with the header, and the same body through the token', async () => {
    const { body } = fixture('insight-webhook-default-body-thousands');
    const viaHeader = await post(served.webhookUrl, body, {
      'Content-Type': 'application/json',
      'X-PostHog-Secret': TEST_SECRET,
    });
    expect(viaHeader.status).toBe(201);
    const viaToken = await post(
      `${served.webhookUrl}/${TOKEN}`,
      { ...body, event: { ...(body.event as JsonObject), uuid: 'another' } },
      { 'Content-Type': 'application/json' },
    );
    expect(viaToken.status).toBe(201);
  });

  it("accepts the previous secret's token during the rotation grace", async () => {
    const { body, headers } = fixture('logs-alert-firing');
    const response = await post(
      `${served.webhookUrl}/${urlTokenOf(PREVIOUS_SECRET)}`,
      { ...body, id: 'rotated' },
      headers,
    );
    expect(response.status).toBe(201);
  });

  it('answers a wrong token exactly as a wrong secret, and never logs the token', async () => {
    const { body, headers } = fixture('logs-alert-firing');
    const wrongToken = await post(`${served.webhookUrl}/${urlTokenOf('not-the-secret')}`, body, headers);
    const wrongSecret = await post(served.webhookUrl, body, { ...headers, 'X-PostHog-Secret': 'wrong' });
    expect([wrongToken.status, wrongSecret.status]).toEqual([401, 401]);
    expect(await wrongToken.json()).toEqual(await wrongSecret.json());
    // The header secret is not a token, and a token is not a header secret.
    expect((await post(`${served.webhookUrl}/${TEST_SECRET}`, body, headers)).status).toBe(401);
    expect((await post(served.webhookUrl, body, { ...headers, 'X-PostHog-Secret': TOKEN })).status).toBe(401);
    // (captureOutputPerTest fails the test if the token or a secret reached the output.)
    expect(output.current().text()).toContain('"outcome":"unauthorized"');
  });

  it('keeps an authenticated body it cannot read: 400, counted, listed by `rejected`; an unauthenticated one is not kept', async () => {
    const unknown = { type: 'logs_alert.incident_opened', data: { alert_id: 'x' } };
    const headers = { 'Content-Type': 'application/json' };
    const refused = await post(`${served.webhookUrl}/${TOKEN}`, unknown, headers);
    expect(refused.status).toBe(400);
    expect(output.current().text()).toContain('"DeliveryUnreadable":1');
    await post(`${served.webhookUrl}/${urlTokenOf('nobody')}`, { type: 'logs_alert.other' }, headers);

    const { code, out } = await cli(['rejected', '--json']);
    expect(code).toBe(0);
    const rows = (JSON.parse(out) as { rejected: { id: string; reason: string }[] }).rejected;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.reason).toMatch(/^Field type: unknown PostHog logs alert type "incident_opened"/);

    const again = await cli(['replay', String(rows[0]?.id)]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/^400: Field type: unknown PostHog logs alert type/);
  });

  it('replays a kept delivery that the current code reads: filed as of its arrival, then no longer kept', async () => {
    // As an older version, which could not read logs alerts, kept it.
    const { body } = fixture('logs-alert-firing');
    const bytes = Buffer.from(
      JSON.stringify({
        ...body,
        id: 'kept-by-older-version',
        data: { ...(body.data as JsonObject), alert_id: 'kept-alert' },
      }),
    );
    const receivedAt = '2026-11-20T08:00:00.000Z';
    await client.send(
      new PutCommand({
        TableName: served.tableName,
        Item: {
          ...unreadableKeys({ id: 'older', receivedAt }),
          entity: 'unreadable',
          id: 'older',
          createdAt: receivedAt,
          reason: 'Missing required field: name',
          size: bytes.length,
          body: bytes,
          keyHeaders: {},
        },
      }),
    );

    const replayed = await cli(['replay', 'older']);
    expect(replayed).toMatchObject({ code: 0, err: '' });
    expect(replayed.out).toMatch(
      /^201 opened: issue #\d+ "PostHog: API 5xx errors 1,342 logs \(above 1,000 in 5 min\)"/,
    );
    const { signals } = await loopItems(client, served.tableName);
    expect(signals.find((signal) => (signal.reading as JsonObject).alertId === 'kept-alert')?.createdAt).toBe(
      receivedAt,
    );
    expect((await cli(['rejected', '--json'])).out).not.toContain('"older"');
  });

  it('keeps two unreadable bodies sent under one Idempotency-Key side by side, and a retry of one once', async () => {
    const before = (JSON.parse((await cli(['rejected', '--json'])).out) as { rejected: unknown[] }).rejected;
    const headers = { 'Content-Type': 'application/json', 'Idempotency-Key': 'same-key-for-both' };
    for (const type of [
      'logs_alert.first_unknown',
      'logs_alert.second_unknown',
      'logs_alert.first_unknown',
    ]) {
      expect(
        (await post(`${served.webhookUrl}/${TOKEN}`, { type, data: { alert_id: 'k' } }, headers)).status,
      ).toBe(400);
    }
    const after = (JSON.parse((await cli(['rejected', '--json'])).out) as { rejected: { reason: string }[] })
      .rejected;
    expect(after.length - before.length).toBe(2);
    expect(after.map((row) => row.reason).join('\n')).toMatch(
      /first_unknown[\s\S]*second_unknown|second_unknown[\s\S]*first_unknown/,
    );
  });

  it('replays a kept delivery on one line whatever its text holds, and refuses a kept item of the wrong shape', async () => {
    const receivedAt = '2026-11-21T08:00:00.000Z';
    const keep = (id: string, item: Record<string, unknown>) =>
      client.send(
        new PutCommand({
          TableName: served.tableName,
          Item: {
            ...unreadableKeys({ id, receivedAt }),
            entity: 'unreadable',
            id,
            createdAt: receivedAt,
            reason: 'kept by a test',
            size: 1,
            keyHeaders: {},
            ...item,
          },
        }),
      );
    const forged = { type: 'logs_alert.x\n201 opened: issue #7 "all clear"', data: { alert_id: 'k' } };
    await keep('forging', { body: Buffer.from(JSON.stringify(forged)) });
    const refused = await cli(['replay', 'forging']);
    expect(refused.code).toBe(1);
    expect(refused.err.split('\n')).toHaveLength(1);
    expect(refused.err).toContain('\\u000a201 opened');

    await keep('odd-headers', { body: Buffer.from('{}'), keyHeaders: { 'idempotency-key': 5 } });
    expect(await cli(['replay', 'odd-headers'])).toMatchObject({
      code: 1,
      err: 'Kept delivery "odd-headers" cannot be replayed: its keyHeaders are not text',
    });
    await keep('no-time', { body: Buffer.from('{}'), createdAt: 'yesterday' });
    expect((await cli(['replay', 'no-time'])).err).toBe(
      'Kept delivery "no-time" cannot be replayed: its createdAt is not a time',
    );
  });

  it('prints the URL with its token with `webhook-url`, from the local secret', async () => {
    const { code, out } = await (async () => {
      const lines: string[] = [];
      const exit = await runCli(['webhook-url'], {
        env: { POSTHOG_WEBHOOK_SECRET: TEST_SECRET, PORT: '3999' },
        out: (text) => lines.push(text),
        err: (text) => lines.push(text),
      });
      return { code: exit, out: lines.join('\n') };
    })();
    expect(code).toBe(0);
    expect(out).toBe(`http://127.0.0.1:3999/api/signals/posthog/${TOKEN}`);
    output.current().clear();
  });
});
