import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { openApiDocument, openApiJson } from '../../../lambda/contract/openapi.ts';
import { ROUTE_INPUTS } from '../../../lambda/contract/requests.ts';
import { ROUTES, type RouteName } from '../../../lambda/contract/routes.ts';
import { DependencyUnavailableError } from '../../../lambda/core/errors.ts';
import type { RawDelivery } from '../../../lambda/intake/ports.ts';
import { StaticSecretSource } from '../../../lambda/secret/webhook-secret-source.ts';
import { apiGatewayEvent } from '../../../local/api-gateway-event.ts';
import { lambdaContext, TEST_SECRET } from '../../support/events.ts';
import { PROJECT_ROOT } from '../../support/fixtures.ts';
import { openApiAnswers } from '../../support/openapi-answers.ts';
import { captureOutputPerTest } from '../../support/output.ts';
import { logsAlertBody } from '../../support/posthog-bodies.ts';
import { RecordingStore } from '../../support/recording-store.ts';
import { servedWebhook } from '../../support/served-webhook.ts';
import { webhookHandler } from '../../support/webhook.ts';

/** README.md "Quick start": the sample delivery. */
const SAMPLE = { name: 'page_load_time', value: 35, timeframe: 'last_7_days' };

type Paths = Record<string, Record<string, { operationId: string; security: unknown[]; responses: object }>>;

describe('the OpenAPI document (README.md "Agents: OpenAPI and MCP")', () => {
  const document = openApiDocument() as { openapi: string; paths: Paths };

  it('is valid OpenAPI 3.1, by an independent validator', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(JSON.parse(openApiJson()));
    expect(result).toEqual({ valid: true });
    // The validator does refuse a broken document (it is not a check that always passes).
    const broken = { ...JSON.parse(openApiJson()), paths: { '/x': { get: { responses: 'none' } } } };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('describes every route, with the authorization the stack gives it', () => {
    const described = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(
        ([method, operation]) => `${method.toUpperCase()} ${path} ${operation.operationId}`,
      ),
    );
    expect(described.sort()).toEqual(
      Object.entries(ROUTES)
        .map(([name, route]) => `${route.method} ${route.path} ${name}`)
        .sort(),
    );
    for (const [name, route] of Object.entries(ROUTES)) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      const security = JSON.stringify(operation?.security);
      if (route.auth === 'iam') expect(security).toBe('[{"sigv4":[]}]');
      else if (name === 'webhook') expect(security).toBe('[{"posthogSecret":[]},{"standardWebhooks":[]}]');
      else expect(security).toBe('[]'); // the token in the path authenticates
    }
  });

  it('names only schemas it holds, and every triage API route reads its inputs with a schema (else it would 404)', () => {
    const text = openApiJson();
    const { components } = JSON.parse(text) as { components: { schemas: Record<string, unknown> } };
    const named = [...text.matchAll(/"\$ref": "#\/components\/schemas\/(\w+)"/g)].map(([, id]) => id ?? '');
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((id) => !(id in components.schemas))).toEqual([]);
    const served = Object.entries(ROUTES)
      .filter(([, route]) => route.function === 'triage-api')
      .map(([name]) => name);
    expect(served.filter((name) => !(name in ROUTE_INPUTS))).toEqual([]);
  });

  it('is committed as docs/openapi.json, current (npm run openapi writes it)', () => {
    const committed = readFileSync(join(PROJECT_ROOT, 'docs/openapi.json'), 'utf8');
    if (committed !== openApiJson())
      throw new Error('docs/openapi.json is stale: run `npm run openapi` and commit it');
  });

  it('refuses an answer it does not describe: an unknown field, a wrong type, an undocumented status', () => {
    const answers = openApiAnswers();
    expect(() => answers.check('listIssues', 200, { data: { issues: [], cursor: null } })).not.toThrow();
    expect(() =>
      answers.check('listIssues', 200, { data: { issues: [], cursor: null, more: true } }),
    ).toThrow(/additional properties/);
    expect(() => answers.check('listSignals', 200, { data: { signals: [], cursor: 7 } })).toThrow(/cursor/);
    expect(() => answers.check('getIssue', 418, { error: 'teapot' })).toThrow(/does not document a 418/);
  });
});

describe('real answers match the document', () => {
  captureOutputPerTest(TEST_SECRET);
  const served = servedWebhook();
  const answers = openApiAnswers();
  const expectAnswer = (route: RouteName, answer: { status: number; body: unknown }, status: number) => {
    expect(answer.status).toBe(status);
    answers.check(route, answer.status, answer.body);
  };

  it('GET /api/openapi.json serves the document itself', async () => {
    const response = await fetch(`${served.baseUrl}${ROUTES.openApi.path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe(openApiJson());
  });

  it('the webhook: 201, a repeat (200), a firing that joins (201), 400, 401', async () => {
    expectAnswer('webhook', await served.deliver(SAMPLE), 201);
    const repeat = await served.deliver(SAMPLE);
    expectAnswer('webhook', repeat, 200);
    expectAnswer('webhook', await served.deliver(logsAlertBody({ type: 'firing', id: 'e-1' })), 201);
    const joined = await served.deliver(logsAlertBody({ type: 'firing', id: 'e-2', count: 400 }));
    expectAnswer('webhook', joined, 201);
    expect(joined.body.data.issue.firings).toBe(2);
    expectAnswer('webhook', await served.deliver(logsAlertBody({ type: 'resolved', id: 'e-3' })), 201);
    expectAnswer('webhook', await served.deliver({ test: true, name: 'loop_test', value: 1 }), 201);
    expectAnswer('webhook', await served.deliver({ status: 'nothing to read' }), 400);
    expectAnswer('webhook', await served.deliver(SAMPLE, { 'X-PostHog-Secret': 'wrong' }), 401);
  });

  it('every listing, an issue, a signal, a comment, a claim (200 and 204), a refused move (409), 400 and 404', async () => {
    expectAnswer('listIssues', await served.api('GET', '/api/issues'), 200);
    expectAnswer('listIssues', await served.api('GET', '/api/issues?stauts=done'), 400);
    expectAnswer('listSignals', await served.api('GET', '/api/signals?limit=2'), 200);
    const signals = (await served.api('GET', '/api/signals')).body.data.signals;
    expectAnswer('getSignal', await served.api('GET', `/api/signals/${signals[0].id}`), 200);
    expectAnswer('getSignal', await served.api('GET', '/api/signals/nope'), 404);
    expectAnswer('getIssue', await served.api('GET', '/api/issues/1'), 200);
    expectAnswer('getIssue', await served.api('GET', '/api/issues/999'), 404);
    expectAnswer('claimNext', await served.api('POST', '/api/dispatch/next', { agent: 'agent-a' }), 204);

    const accept = {
      status: 'todo',
      fromStatus: 'triage',
      reason: { body: 'Real.', author: { name: 'Ana', type: 'human' } },
    };
    expectAnswer('moveIssue', await served.api('PATCH', '/api/issues/1', accept), 200);
    expectAnswer('moveIssue', await served.api('PATCH', '/api/issues/1', accept), 409);
    expectAnswer('dispatchQueue', await served.api('GET', '/api/dispatch/queue'), 200);
    expectAnswer('claimNext', await served.api('POST', '/api/dispatch/next', { agent: 'agent-a' }), 200);

    const note = { body: 'Looking into it.', author: { name: 'agent-a', type: 'agent' } };
    expectAnswer('addComment', await served.api('POST', '/api/issues/1/comments', note), 201);
    expectAnswer(
      'addComment',
      await served.api('POST', '/api/issues/1/comments', { ...note, extra: 1 }),
      400,
    );
    const comments = await served.api('GET', '/api/issues/1/comments');
    expectAnswer('listComments', comments, 200);
    expect(comments.body.data.comments).toHaveLength(2);
  });
});

describe('a delivery queued while storage is down matches the document (202)', () => {
  captureOutputPerTest(TEST_SECRET);

  it('answers 202 {"data": {"status": "queued"}}', async () => {
    const store = new RecordingStore();
    store.failWith = new DependencyUnavailableError('Storage');
    const queued: RawDelivery[] = [];
    const handler = webhookHandler({
      secrets: new StaticSecretSource(TEST_SECRET),
      store,
      queue: { send: async (delivery) => void queued.push(delivery) },
    });
    const event = apiGatewayEvent({
      method: 'POST',
      path: ROUTES.webhook.path,
      headers: { 'content-type': 'application/json', 'x-posthog-secret': TEST_SECRET },
      body: Buffer.from(JSON.stringify(SAMPLE)),
    });
    const result = await handler(event, lambdaContext);
    expect(queued).toHaveLength(1);
    openApiAnswers().check('webhook', result.statusCode ?? 0, JSON.parse(result.body ?? ''));
    expect(result.statusCode).toBe(202);
  });
});
