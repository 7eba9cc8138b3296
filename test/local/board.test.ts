import { type Browser, chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../dev/chromium.ts';
import { createBoardHandler } from '../../lambda/functions/board/handler.ts';
import { createBoardActionHandler } from '../../lambda/functions/board-action/handler.ts';
import { boardPartsFor } from '../../lambda/wiring.ts';
import { TEST_SECRET } from '../support/events.ts';
import { captureOutputPerTest } from '../support/output.ts';
import { logsAlertBody } from '../support/posthog-bodies.ts';
import { servedWebhook } from '../support/served-webhook.ts';

/** A title written to attack the page: markup, a script, an attribute break-out, a right-to-left override. */
const HOSTILE = `<img src=x onerror="document.title='pwned'"><script>document.title='pwned'</script>"><b>bold\u202Eevil`;
const ACTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:LoopPosthogSignals-BoardAction';

describe('the triage board (README.md "The triage board"), in Chromium', () => {
  captureOutputPerTest(TEST_SECRET);
  const served = servedWebhook();
  let browser: Browser;
  /** Issue numbers by what they are. */
  const issues: Record<'checkout' | 'pageLoad' | 'hostile' | 'signups', number> = {
    checkout: 0,
    pageLoad: 0,
    hostile: 0,
    signups: 0,
  };

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });

  // Delivered inside the first test, where the webhook's log lines are captured.
  let seeded: Promise<void> | undefined;
  beforeEach(async () => {
    seeded ??= (async () => {
      const number = async (body: object) => (await served.deliver(body)).body.data.issue.number as number;
      issues.pageLoad = await number({ name: 'page_load_time', value: 35, timeframe: 'last_7_days' });
      issues.checkout = await number(logsAlertBody({ type: 'firing', id: 'c-1', alertId: 'c', count: 150 }));
      await number(logsAlertBody({ type: 'firing', id: 'c-2', alertId: 'c', count: 180 }));
      await number(logsAlertBody({ type: 'firing', id: 'c-3', alertId: 'c', count: 240 }));
      issues.hostile = await number(
        logsAlertBody({
          type: 'firing',
          id: 'h-1',
          alertId: 'h',
          name: HOSTILE,
          data: {
            alert_url: 'javascript:document.title="pwned"',
            logs_url: 'https://us.posthog.com/project/1/logs?q="><img src=x>',
          },
        }),
      );
      issues.signups = await number({ name: 'signups', value: -12 });
    })();
    await seeded;
  });

  async function board(): Promise<Page> {
    const page = await browser.newPage();
    page.on('dialog', (dialog) => {
      throw new Error(`A dialog opened: ${dialog.message()}`);
    });
    const response = await page.goto(`${served.baseUrl}/`);
    expect(response?.status()).toBe(200);
    return page;
  }
  const numbers = (page: Page) => page.locator('tr.issue td.number').allTextContents();

  it('lists the open issues by priority, then age, each with its firings charted', async () => {
    const page = await board();
    // P1 (the logs alerts, oldest first), then P2, then P3.
    expect(await numbers(page)).toEqual(
      [issues.checkout, issues.hostile, issues.pageLoad, issues.signups].map((number) => `#${number}`),
    );
    const checkout = page.locator(`tr[data-number="${issues.checkout}"]`);
    expect(await checkout.locator('td.priority').textContent()).toBe('P1');
    expect(await checkout.locator('td.firings .count').textContent()).toBe('3');
    expect(await checkout.locator('svg.chart circle.firing').count()).toBe(3);
    expect(await checkout.locator('svg.chart').getAttribute('aria-label')).toMatch(/^3 firings, from /);
    expect(await page.locator(`tr[data-number="${issues.signups}"] svg.chart circle.firing`).count()).toBe(1);
    // The description, there to be opened.
    await checkout.locator('summary').click();
    expect(await checkout.locator('details pre').textContent()).toContain('### What fired');
    await page.close();
  });

  it('shows a hostile title as text: nothing runs, nothing restyles, only vetted https links', async () => {
    const page = await board();
    const row = page.locator(`tr[data-number="${issues.hostile}"]`);
    const shown = await row.locator('.title').textContent();
    expect(shown).toContain('<img src=x onerror="document.title=\'pwned\'">');
    expect(shown).toContain('<script>');
    // The override is shown, not obeyed.
    expect(shown).toContain('bold\\u202eevil');
    expect(await page.locator('.loop-board img, .loop-board script, .loop-board b').count()).toBe(0);
    expect(await page.title()).toBe('Loop triage board');
    const hrefs = await row
      .locator('.links a')
      .evaluateAll((links) => links.map((link) => link.getAttribute('href')));
    expect(hrefs).toEqual(['https://us.posthog.com/project/1/logs?q=%22%3E%3Cimg%20src=x%3E']);
    const response = await page.request.get(`${served.baseUrl}/`);
    expect(response.headers()['content-security-policy']).toContain("default-src 'none'");
    await page.close();
  });

  it('accepts an issue with a form: the move takes effect and the board says so', async () => {
    const page = await board();
    await page.locator(`tr[data-number="${issues.pageLoad}"] form.accept button[value="todo"]`).click();
    await page.waitForLoadState();
    expect(await page.locator('.notice-done').textContent()).toBe(
      `Issue #${issues.pageLoad} accepted to todo.`,
    );
    expect(await page.locator(`tr[data-number="${issues.pageLoad}"] td.status`).textContent()).toBe('todo');
    expect((await served.api('GET', `/api/issues/${issues.pageLoad}`)).body.data.issue.status).toBe('todo');
    await page.close();
  });

  it('declines with a reason, kept as a comment; without one it refuses and moves nothing', async () => {
    const page = await board();
    const row = page.locator(`tr[data-number="${issues.signups}"]`);
    // The reason field is required: the browser will not send the form empty.
    await row.locator('form.decline button').click();
    expect((await served.api('GET', `/api/issues/${issues.signups}`)).body.data.issue.status).toBe('triage');

    await row.locator('form.decline input[name="reason"]').fill('Expected: the campaign ended.');
    await row.locator('form.decline button').click();
    await page.waitForLoadState();
    expect(await page.locator('.notice-done').textContent()).toMatch(
      new RegExp(`^Issue #${issues.signups} declined`),
    );
    // Canceled is not open: it left the board.
    expect(await numbers(page)).not.toContain(`#${issues.signups}`);
    const { comments } = (await served.api('GET', `/api/issues/${issues.signups}/comments`)).body.data;
    expect(comments).toMatchObject([
      { body: 'Expected: the campaign ended.', author: { name: 'local board', type: 'human' } },
    ]);
    await page.close();
  });

  it('never loses an update from a stale board: the move is refused with a clear message', async () => {
    const stale = await board();
    const fresh = await board();
    await fresh.locator(`tr[data-number="${issues.checkout}"] form.accept button[value="backlog"]`).click();
    await fresh.waitForLoadState();
    await stale.locator(`tr[data-number="${issues.checkout}"] form.accept button[value="todo"]`).click();
    await stale.waitForLoadState();
    expect(await stale.locator('.notice-stale').textContent()).toBe(
      `Issue #${issues.checkout} is backlog, not triage: it changed since you saw it. Nothing was moved; the board below is current.`,
    );
    expect(await stale.locator(`tr[data-number="${issues.checkout}"] td.status`).textContent()).toBe(
      'backlog',
    );
    await stale.close();
    await fresh.close();
  });

  it('refuses a move posted from another page, or without a token of this board, and a move from any status but triage', async () => {
    let page = await browser.newPage();
    const before = (await served.api('GET', `/api/issues/${issues.hostile}`)).body.data.issue;
    // A page elsewhere (here about:blank) with a form aimed at the board.
    await page.setContent(
      `<form method="post" action="${served.baseUrl}/board/move"><input name="issue" value="${before.id}"><input name="fromStatus" value="triage"><button name="to" value="todo">go</button></form>`,
    );
    await page.locator('button').click();
    await page.waitForLoadState();
    expect(await page.locator('body').textContent()).toContain(
      'Forbidden: a write from a page of another site',
    );
    // The same through the JSON API, as a page elsewhere can send it without asking (text/plain).
    await page.close();
    page = await browser.newPage();
    await page.setContent(
      `<form method="post" enctype="text/plain" action="${served.baseUrl}/api/dispatch/next"><input name='{"agent":"evil","x":"' value='"}'><button>go</button></form>`,
    );
    await page.locator('button').click();
    await page.waitForLoadState();
    expect(await page.locator('body').textContent()).toContain('Forbidden');
    // With this board's origin but no token of this run, from a program outside the browser.
    const form = (fields: Record<string, string>) =>
      fetch(`${served.baseUrl}/board/move`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: served.baseUrl },
        body: new URLSearchParams(fields),
      });
    expect((await form({ issue: before.id, fromStatus: 'triage', to: 'todo', token: 'guess' })).status).toBe(
      403,
    );
    expect((await served.api('GET', `/api/issues/${issues.hostile}`)).body.data.issue.status).toBe('triage');
    await page.close();

    // With this board's token: from any status but triage, the board moves nothing.
    const board = await browser.newPage();
    await board.goto(`${served.baseUrl}/`);
    const token = await board.locator('input[name="token"]').first().getAttribute('value');
    const accepted = (await served.api('GET', `/api/issues/${issues.pageLoad}`)).body.data.issue;
    const reopened = await form({
      issue: accepted.id,
      fromStatus: accepted.status,
      to: 'canceled',
      reason: 'x',
      token: String(token),
    });
    expect(reopened.status).toBe(400);
    expect(await reopened.text()).toContain('The board moves issues in triage only');
    expect((await served.api('GET', `/api/issues/${issues.pageLoad}`)).body.data.issue.status).toBe(
      accepted.status,
    );
    await board.close();
  });

  it("renders the dashboard widget's board the same way, its moves as console actions of the action function", async () => {
    const parts = boardPartsFor({ client: served.client, tableName: served.tableName });
    const widget = await createBoardHandler({ queries: parts.queries, actionEndpoint: ACTION_ARN })({});
    const page = await browser.newPage();
    await page.setContent(widget);
    // The moves above left: P1 checkout (backlog) and hostile (triage), oldest first; P2 page load (todo).
    expect(await numbers(page)).toEqual([`#${issues.checkout}`, `#${issues.hostile}`, `#${issues.pageLoad}`]);
    expect(await page.locator('.loop-board img, .loop-board script').count()).toBe(0);
    const actions = await page
      .locator(`tr[data-number="${issues.hostile}"] cwdb-action`)
      .evaluateAll((elements) =>
        elements.map((element) => ({
          endpoint: element.getAttribute('endpoint'),
          confirmation: element.getAttribute('confirmation'),
          params: JSON.parse(element.textContent ?? ''),
        })),
      );
    const id = (await served.api('GET', `/api/issues/${issues.hostile}`)).body.data.issue.id;
    expect(actions).toEqual(
      ['todo', 'backlog', 'canceled'].map((to) => ({
        endpoint: ACTION_ARN,
        confirmation: expect.stringContaining(`#${issues.hostile}`),
        params: { issue: id, fromStatus: 'triage', to },
      })),
    );
    // The console reads them; a browser shows none of them.
    expect(await page.locator('cwdb-action').first().isVisible()).toBe(false);
    await page.close();

    // What the console sends when the decline is confirmed: the action's params, the reason field.
    const act = createBoardActionHandler(parts);
    const answer = await act(
      {
        issue: id,
        fromStatus: 'triage',
        to: 'canceled',
        widgetContext: { forms: { all: { [`reason-${id}`]: 'A test alert.' } } },
      },
      { invokedFunctionArn: ACTION_ARN },
    );
    expect(answer).toContain(`Issue #${issues.hostile} declined`);
    expect(
      (await served.api('GET', `/api/issues/${issues.hostile}/comments`)).body.data.comments,
    ).toMatchObject([{ body: 'A test alert.', author: { name: 'CloudWatch dashboard', type: 'human' } }]);
    // The same click again, from the board as it was: refused, nothing lost.
    const again = await act(
      { issue: id, fromStatus: 'triage', to: 'todo' },
      { invokedFunctionArn: ACTION_ARN },
    );
    expect(again).toContain(`Issue #${issues.hostile} is canceled, not triage`);
  });
});
