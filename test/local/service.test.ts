import { loopItems } from '../support/dynamodb.ts';
import { TEST_SECRET } from '../support/events.ts';
import { captureOutputPerTest } from '../support/output.ts';
import { servedWebhook } from '../support/served-webhook.ts';

const README_BODY = '{"name": "page_load_time", "value": 35, "timeframe": "last_7_days"}';

describe('the local HTTP server (API Gateway HTTP API 2.0 events) with DynamoDB Local', () => {
  captureOutputPerTest(TEST_SECRET);
  const served = servedWebhook();
  const { client } = served;

  const post = (body: string, headers: Record<string, string> = {}, path = '/api/signals/posthog') =>
    fetch(`${served.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-PostHog-Secret': TEST_SECRET, ...headers },
      body,
    });

  it("answers the README's curl example with 201 and stores both items", async () => {
    const response = await post(README_BODY);

    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/json');
    const { data } = (await response.json()) as {
      data: { signal: { id: string }; issue: { title: string } };
    };
    expect(data.issue.title).toBe('PostHog: page_load_time 35% (last_7_days)');
    const { signals, issues } = await loopItems(client, served.tableName);
    expect(signals.map((item) => item.id)).toContain(data.signal.id);
    expect(issues.map((item) => item.title)).toContain('PostHog: page_load_time 35% (last_7_days)');
  });

  it('passes the body through byte for byte (UTF-8, not re-encoded)', async () => {
    const response = await post('{"name":"café ☕ 📈","value":"-12.5 %"}');
    const { data } = (await response.json()) as { data: { issue: { title: string } } };
    expect(data.issue.title).toBe('PostHog: café ☕ 📈 -12.5% (recent)');
  });

  it('writes nothing for a refused delivery', async () => {
    const before = await loopItems(client, served.tableName);

    const responses = await Promise.all([
      post(README_BODY, { 'X-PostHog-Secret': 'wrong' }),
      post('{"value": 1}'),
      post(README_BODY, { 'Content-Type': 'text/plain' }),
    ]);

    expect(responses.map((response) => response.status)).toEqual([401, 400, 415]);
    const after = await loopItems(client, served.tableName);
    expect(after.signals).toHaveLength(before.signals.length);
  });

  it.each([
    ['DELETE', '/api/signals/posthog'],
    ['PUT', '/api/signals/posthog'],
    ['POST', '/api/signals/posthog/token/extra'],
    ['POST', '/api/signals/posthog/'],
    ['POST', '/'],
  ])('answers 404 to %s %s, as API Gateway does', async (method, path) => {
    const response = await fetch(`${served.baseUrl}${path}`, {
      method,
      body: method === 'GET' ? undefined : '{}',
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Not Found' });
  });

  it.each([
    ['an Origin of another site', { Origin: 'https://evil.example' }],
    ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { 'Sec-Fetch-Site': 'same-site' }],
  ])(
    'refuses a write a browser sends from a page of another site (%s): the local API has no IAM',
    async (_, headers) => {
      const before = await loopItems(client, served.tableName);
      const response = await post(README_BODY, headers);
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ message: 'Forbidden: a write from a page of another site' });
      expect((await loopItems(client, served.tableName)).signals).toHaveLength(before.signals.length);
      // Reading stays open to it (a page cannot read the answer without CORS), as for any program.
      expect((await fetch(`${served.baseUrl}/api/issues`, { headers })).status).toBe(200);
    },
  );
});
