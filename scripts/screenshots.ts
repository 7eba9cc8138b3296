/**
 * `npm run screenshots`: the README's pictures of the triage board, taken with Chromium so they
 * stay true — the local board (`npm start`'s root) and the dashboard widget's rendering — over a
 * fresh in-memory DynamoDB Local with a few sample alerts. Writes docs/images/board-local.png and
 * docs/images/board-widget.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../dev/chromium.ts';
import { freePort } from '../dev/free-port.ts';
import { createDocumentClient } from '../lambda/aws/clients.ts';
import { ROUTES } from '../lambda/contract/routes.ts';
import { readSettings } from '../lambda/settings.ts';
import { ensureTable } from '../local/create-table.ts';
import { LOCAL_AWS, startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { createHttpApiServer, routesServedBy } from '../local/http-server.ts';

// Before the functions' modules load (their logger and metrics read these): no log lines here.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
const { showBoard } = await import('../lambda/board/widget.ts');
const { createWebhookHandler } = await import('../lambda/functions/webhook/handler.ts');
const { boardPartsFor, webhookParts } = await import('../lambda/wiring.ts');
const { boardRoutes } = await import('../local/board-routes.ts');

const SECRET = 'ScreenshotSecret0123456789abcdef';
const IMAGES = join(import.meta.dirname, '..', 'docs', 'images');
/** A sample action ARN: the widget's buttons name it. */
const ACTION_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:LoopPosthogSignals-BoardAction';

/** Sample alerts: a logs alert that fired three times, an insight alert, two metric changes. */
const DELIVERIES: object[] = [
  ...[150, 180, 240].map((count, n) => ({
    id: `checkout-${n}`,
    type: 'logs_alert.firing',
    data: {
      alert_id: 'checkout',
      alert_name: 'checkout errors',
      result_count: count,
      threshold_count: 100,
      threshold_operator: 'above',
      window_minutes: 5,
      logs_url: 'https://us.posthog.com/project/1/logs',
    },
  })),
  { name: 'page_load_time', value: 35, timeframe: 'last_7_days' },
  { name: 'signups', value: -12 },
  { name: 'Daily pageviews', value: -32.5, timeframe: 'previous day', alert_id: 'pageviews' },
];

const dynamoDb = await startDynamoDbLocal({ port: await freePort() });
const tableName = 'loop-signals';
const admin = new DynamoDBClient({ endpoint: dynamoDb.endpoint, ...LOCAL_AWS });
await ensureTable(admin, tableName);
admin.destroy();
const table = {
  client: createDocumentClient({ endpoint: dynamoDb.endpoint, ...LOCAL_AWS }, 5_000),
  tableName,
};
const settings = { ...readSettings({}), tableName, secretValue: SECRET };
const { secrets, intake } = webhookParts(settings, { table, storageBudgetMs: 5_000 });
const server = createHttpApiServer([
  ...routesServedBy('webhook', createWebhookHandler({ secrets, intake })),
  ...boardRoutes(boardPartsFor(table)),
]);
const port = await freePort();
await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
const base = `http://127.0.0.1:${port}`;
const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
try {
  for (const body of DELIVERIES) {
    const response = await fetch(`${base}${ROUTES.webhook.path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-PostHog-Secret': SECRET },
      body: JSON.stringify(body),
    });
    if (response.status !== 201) throw new Error(`A sample delivery answered ${response.status}`);
  }
  mkdirSync(IMAGES, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1280, height: 520 }, deviceScaleFactor: 1 });
  // One issue accepted, from the board itself.
  await page.goto(`${base}/`);
  await page.locator('tr.issue').nth(2).locator('form.accept button[value="todo"]').click();
  await page.waitForLoadState();
  await page.screenshot({ path: join(IMAGES, 'board-local.png'), fullPage: true });

  const widget = await showBoard({}, { ...boardPartsFor(table), actionEndpoint: ACTION_ARN });
  await page.setContent(
    `<div style="margin: 16px; border: 1px solid #d5dbdb; border-radius: 8px; padding: 12px"><div style="font: 700 15px system-ui, sans-serif; margin-bottom: 8px">Triage board: open issues, most urgent first</div>${widget}</div>`,
  );
  await page.screenshot({ path: join(IMAGES, 'board-widget.png'), fullPage: true });
  console.log(`Wrote ${join(IMAGES, 'board-local.png')} and ${join(IMAGES, 'board-widget.png')}`);
} finally {
  await browser.close();
  server.close();
  table.client.destroy();
  await dynamoDb.stop();
}
