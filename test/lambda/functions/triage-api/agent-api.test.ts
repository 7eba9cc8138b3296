/**
 * docs/http-contract.md "Read and triage API": what agents work with — one shape per resource, a signal of
 * its own, notes, claiming work, context in every issue — through the local server into DynamoDB
 * Local, as an agent (or an attacker with the webhook secret) would use it.
 */
import { COMMENT_FIELDS, ISSUE_FIELDS, SIGNAL_FIELDS } from '../../../../lambda/contract/shapes.ts';
import { TEST_SECRET } from '../../../support/events.ts';
import { captureOutputPerTest } from '../../../support/output.ts';
import { logsAlertBody } from '../../../support/posthog-bodies.ts';
import { servedWebhook } from '../../../support/served-webhook.ts';

const agent = (name: string) => ({ name, type: 'agent' as const });

describe('the triage API, as agents use it', () => {
  captureOutputPerTest(TEST_SECRET);
  const served = servedWebhook();
  const { api, deliver } = served;

  /** A new issue from a custom body (its own alert), moved to `status` when given; its number. */
  async function openIssue(name: string, value: number, status?: string): Promise<number> {
    const { status: code, body } = await deliver({ name, value, alert_id: `alert-${name}` });
    expect(code).toBe(201);
    const { number } = body.data.issue as { number: number };
    if (status)
      expect((await api('PATCH', `/api/issues/${number}`, { status, fromStatus: 'triage' })).status).toBe(
        200,
      );
    return number;
  }

  it('answers one shape for an issue and a signal on every route, and a signal of its own by id', async () => {
    const opened = await deliver({ name: 'shape_check', value: 30, alert_id: 'shape' });
    const { signal, issue } = opened.body.data;

    const detail = await api('GET', `/api/issues/${issue.number}`);
    const moved = await api('PATCH', `/api/issues/${issue.id}`, { priority: 1, fromStatus: 'triage' });
    const bySignal = await api('GET', `/api/signals/${signal.id}`);

    for (const shown of [detail.body.data.issue, moved.body.data.issue]) {
      expect(Object.keys(shown)).toEqual([...ISSUE_FIELDS]);
    }
    expect(Object.keys(detail.body.data.signals[0])).toEqual([...SIGNAL_FIELDS]);
    expect(Object.keys(bySignal.body.data.signal)).toEqual([...SIGNAL_FIELDS]);
    expect(bySignal.body.data.signal).toMatchObject({
      id: signal.id,
      title: 'PostHog: shape_check 30% (recent)',
      issue: { id: issue.id, number: issue.number, priority: 1 },
    });
    expect(moved.body.data.issue).toMatchObject({ id: issue.id, priority: 1, status: 'triage' });
  });

  it('names the alert of a lone resolution, and answers it by its id', async () => {
    const lone = await deliver(
      logsAlertBody({ type: 'resolved', id: 'lone-1', alertId: 'never-fired', count: 2 }),
    );
    expect(lone.status).toBe(201);
    const { signal } = lone.body.data;

    const shown = await api('GET', `/api/signals/${signal.id}`);
    const listed = await api('GET', '/api/signals?limit=100');

    expect(shown.body.data.signal).toMatchObject({
      id: signal.id,
      kind: 'resolved',
      title: 'PostHog: checkout errors 2 logs (above 100 in 5 min)',
      sourceId: 'never-fired',
      issueId: null,
      issue: null,
    });
    const row = listed.body.data.signals.find((one: { id: string }) => one.id === signal.id);
    expect(row).toMatchObject({ title: 'PostHog: checkout errors 2 logs (above 100 in 5 min)', issue: null });
  });

  it('answers 404 to an id of the wrong kind: a signal id names no issue, and moves none', async () => {
    const opened = await deliver({ name: 'wrong_kind', value: 12 });
    const { signal, issue } = opened.body.data;

    expect((await api('GET', `/api/issues/${signal.id}`)).status).toBe(404);
    expect(
      (await api('PATCH', `/api/issues/${signal.id}`, { status: 'done', fromStatus: 'triage' })).status,
    ).toBe(404);
    expect((await api('GET', `/api/signals/${issue.id}`)).status).toBe(404);
    expect((await api('GET', `/api/issues/${issue.id}`)).body.data.issue.status).toBe('triage');
  });

  it.each([
    [
      'GET',
      '/api/issues?stauts=done',
      undefined,
      'Unknown query parameter "stauts": expected limit, cursor, status',
    ],
    [
      'GET',
      '/api/signals?limit=5&sort=asc',
      undefined,
      'Unknown query parameter "sort": expected limit, cursor',
    ],
    ['GET', '/api/issues/1?verbose=1', undefined, 'Unknown query parameter "verbose": expected none'],
    ['POST', '/api/dispatch/next', { agent: 'a', force: true }, 'Unknown field "force": expected agent'],
    [
      'POST',
      '/api/issues/1/comments',
      { body: 'x', author: agent('a'), pinned: true },
      /^Unknown field "pinned"/,
    ],
    [
      'POST',
      '/api/issues/1/comments',
      { body: 'x', author: { name: 'a', type: 'robot' } },
      'author.type must be one of human, agent',
    ],
    ['POST', '/api/issues/1/comments', { body: '', author: agent('a') }, 'body must not be empty'],
    [
      'POST',
      '/api/issues/1/comments',
      { body: 'é'.repeat(8_193), author: agent('a') },
      'body must be at most 16384 bytes (16 KB) of Markdown',
    ],
    ['POST', '/api/dispatch/next', { agent: ' ' }, 'agent must not be empty'],
    ['POST', '/api/dispatch/next', [], 'Request body must be a JSON object, not an array'],
    [
      'PATCH',
      '/api/issues/1',
      { priority: 2, fromStatus: 'triage', reason: { body: 'x' } },
      'reason.author is missing',
    ],
    [
      'POST',
      '/api/issues/1/comments',
      { body: 'x', author: { name: 'a', type: 'agent', role: 'admin' } },
      'Unknown field "author.role": expected name, type',
    ],
    ['POST', '/api/dispatch/next', {}, 'agent is missing'],
  ])(
    'answers a 400 that names what is wrong, before looking anything up: %s %s',
    async (method, path, body, message) => {
      const { status, body: answer } = await api(method, path, body);
      expect(status).toBe(400);
      expect(answer.error).toMatch(message);
    },
  );

  it('refuses a move of priority alone from a status the issue no longer has (409), and writes nothing', async () => {
    const number = await openIssue('guarded', 20);
    // Agent B finishes it...
    expect(
      (await api('PATCH', `/api/issues/${number}`, { status: 'done', fromStatus: 'triage' })).status,
    ).toBe(200);
    // ...agent A, who still sees it in triage, raises its priority.
    const stale = await api('PATCH', `/api/issues/${number}`, { priority: 1, fromStatus: 'triage' });

    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatch(/is done, not triage/);
    expect((await api('GET', `/api/issues/${number}`)).body.data.issue).toMatchObject({
      status: 'done',
      priority: 3,
    });
  });

  it('keeps notes, oldest first and a page at a time, and a move reason as one of them', async () => {
    const number = await openIssue('noted', 40);
    const first = await api('POST', `/api/issues/${number}/comments`, {
      body: 'Looking at it',
      author: agent('a-1'),
    });
    await api('POST', `/api/issues/${number}/comments`, {
      body: '**Root cause:** a deploy',
      author: { name: 'Ann', type: 'human' },
    });
    await api('PATCH', `/api/issues/${number}`, {
      status: 'canceled',
      fromStatus: 'triage',
      reason: { body: 'Duplicate of #1', author: { name: 'Ann', type: 'human' } },
    });

    expect(first.status).toBe(201);
    expect(Object.keys(first.body.data.comment)).toEqual([...COMMENT_FIELDS]);
    const page = await api('GET', `/api/issues/${number}/comments?limit=2`);
    expect(page.body.data.comments.map((comment: { body: string }) => comment.body)).toEqual([
      'Looking at it',
      '**Root cause:** a deploy',
    ]);
    const rest = await api('GET', `/api/issues/${number}/comments?limit=2&cursor=${page.body.data.cursor}`);
    expect(rest.body.data).toEqual({
      comments: [
        expect.objectContaining({ body: 'Duplicate of #1', author: { name: 'Ann', type: 'human' } }),
      ],
      cursor: null,
    });
    expect((await api('GET', '/api/issues/424242/comments')).status).toBe(404);
  });

  it('gives each of ten concurrent claims over three todo issues its own issue, or 204: never one to two agents', async () => {
    // Whatever earlier tests left in todo is claimed first, so three known issues wait.
    while ((await api('POST', '/api/dispatch/next', { agent: 'sweeper' })).status === 200);
    const waiting = [
      await openIssue('claim_a', 60, 'todo'),
      await openIssue('claim_b', 12, 'todo'),
      await openIssue('claim_c', 30, 'todo'),
    ];
    const queue = await api('GET', '/api/dispatch/queue');
    // Priority, then oldest: 60% is P1, 30% P2, 12% P3.
    expect(queue.body.data.issues.map((issue: { number: number }) => issue.number)).toEqual([
      waiting[0],
      waiting[2],
      waiting[1],
    ]);

    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, n) => api('POST', '/api/dispatch/next', { agent: `agent-${n}` })),
    );

    const won = claims.filter((claim) => claim.status === 200);
    expect(won).toHaveLength(3);
    expect(claims.filter((claim) => claim.status === 204)).toHaveLength(7);
    const numbers = won.map((claim) => claim.body.data.issue.number);
    expect(new Set(numbers)).toEqual(new Set(waiting));
    for (const claim of won) {
      expect(claim.body.data.issue).toMatchObject({
        status: 'in_progress',
        claimedBy: expect.stringMatching(/^agent-\d$/),
        claimedAt: expect.any(String),
        description: expect.stringContaining('### What fired'),
      });
      expect(claim.body.data.signals).toHaveLength(1);
    }
    expect(new Set(won.map((claim) => claim.body.data.issue.claimedBy)).size).toBe(3);
    expect((await api('GET', '/api/dispatch/queue')).body.data).toEqual({ issues: [], cursor: null });
  });

  it('hands an issue back to be picked again: moved to todo, it is claimed by nobody', async () => {
    while ((await api('POST', '/api/dispatch/next', { agent: 'sweeper' })).status === 200);
    const number = await openIssue('handed_back', 15, 'todo');
    const claimed = await api('POST', '/api/dispatch/next', { agent: 'agent-x' });
    expect(claimed.body.data.issue).toMatchObject({ number, claimedBy: 'agent-x' });

    const back = await api('PATCH', `/api/issues/${number}`, { status: 'todo', fromStatus: 'in_progress' });

    expect(back.body.data.issue).toMatchObject({ status: 'todo', claimedBy: null, claimedAt: null });
  });

  it('describes what fired, and keeps only safe links, whatever a hostile delivery names', async () => {
    const hostile = {
      alert_name: '[click me](javascript:alert(1)) <img src=x onerror=alert(1)>',
      insight_name: '# Heading\n- list *bold* `code` | table |',
      breaches:
        'The insight value (signed_up) for previous day (60.00%) decreased more than upper threshold (20.00%)',
      alert_id: 'hostile-1',
      insight_url: 'https://us.posthog.com/project/1/insights/abc',
      alert_url: 'https://evil.example/phish?posthog.com',
    };
    const lookalike = {
      ...hostile,
      alert_id: 'hostile-2',
      insight_url: 'https://us.posthog.com.evil.example/x',
      alert_url: 'javascript:alert(1)',
    };

    const first = await deliver(hostile);
    const second = await deliver(lookalike);

    const { issue } = first.body.data;
    expect(issue.links).toEqual({ insight: 'https://us.posthog.com/project/1/insights/abc' });
    expect(second.body.data.issue.links).toEqual({});
    // Escaped: a link, an image or a heading an attacker wrote reads as text.
    expect(issue.description).toContain('\\[click me\\]\\(javascript:alert\\(1\\)\\)');
    expect(issue.description).toContain('\\<img src=x onerror=alert\\(1\\)\\>');
    expect(issue.description).toContain('“# Heading - list \\*bold\\* \\`code\\` \\| table \\|”');
    expect(issue.description).not.toContain('evil.example');
    expect(issue.description).toContain('- Value: 60.00% (a fall)');
    expect(issue.description).toContain('- Threshold crossed: above the upper threshold of 20.00%');
    expect(issue.description).toContain('- Period: previous day');
    expect(issue.description).toContain('[Insight](<https://us.posthog.com/project/1/insights/abc>)');
    expect(Buffer.byteLength(issue.description)).toBeLessThanOrEqual(4_096);
  });

  it('follows the issue: a joining firing and a resolution update its description', async () => {
    const at = (minutes: number) => new Date(Date.UTC(2026, 10, 27, 12, minutes)).toISOString();
    const firing = (count: number, minutes: number) =>
      logsAlertBody({
        type: 'firing',
        id: `follow-${count}`,
        alertId: 'follow',
        count,
        timestamp: at(minutes),
      });
    const opened = await deliver(firing(150, 0));
    await deliver(firing(420, 5));
    const resolved = await deliver(
      logsAlertBody({ type: 'resolved', id: 'follow-r', alertId: 'follow', count: 3 }),
    );

    const { description, firings } = resolved.body.data.issue;
    expect(opened.body.data.issue.description).toContain('- Value: 150');
    expect(firings).toBe(2);
    expect(description).toContain('- Value: 420');
    expect(description).toMatch(/- Fired 2 times: first at .+, last at .+/);
    expect(description).toMatch(/- Resolved at .+: the alert no longer fires/);
  });

  it('reads a body only when it is sent as JSON (415 otherwise): a page elsewhere can send text/plain or a form without asking', async () => {
    for (const contentType of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json-patch+json',
    ]) {
      const response = await fetch(`${served.baseUrl}/api/dispatch/next`, {
        method: 'POST',
        headers: { 'Content-Type': contentType },
        body: '{"agent":"evil"}',
      });
      expect(response.status).toBe(415);
      expect(await response.json()).toEqual({
        error: 'Unsupported Media Type: Content-Type must be application/json',
      });
    }
  });
});
