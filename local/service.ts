/**
 * The whole service on one machine, no AWS account (started by local/start.ts). DynamoDB Local on
 * 127.0.0.1:${DYNAMODB_PORT:-8000} (data under .data/, or in memory with --in-memory), the table
 * ${TABLE_NAME:-loop-signals} from the shared design, and the handler at
 * http://127.0.0.1:${PORT:-3000}/api/signals/posthog. Ctrl-C stops everything.
 */

import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../lambda/aws/clients.ts';
import { ROUTES } from '../lambda/contract/routes.ts';
import { escapeControls } from '../lambda/core/visible-text.ts';
import { createTriageApiHandler } from '../lambda/functions/triage-api/handler.ts';
import { createWebhookHandler } from '../lambda/functions/webhook/handler.ts';
import { type FunctionSettings, readSettings } from '../lambda/settings.ts';
import { boardPartsFor, triageServiceFor, webhookParts } from '../lambda/wiring.ts';
import { boardRoutes } from './board-routes.ts';
import { ensureTable } from './create-table.ts';
import { DATA_DIRECTORY } from './data-directory.ts';
import { LOCAL_AWS, startDynamoDbLocal } from './dynamodb-local.ts';
import { createHttpApiServer, routesServedBy } from './http-server.ts';
import { stopWithParent } from './process-lifetime.ts';
import { SAMPLE_DELIVERY } from './sample-delivery.ts';
import { exportLine, localSettings } from './settings.ts';
import { StreamEvents } from './stream-events.ts';
import { eventLine, requestLine } from './terminal-log.ts';
import { localSecret } from './webhook-secret.ts';

/** How long a local call may take: DynamoDB Local is a JVM on a developer's machine. */
const LOCAL_DEADLINE_MS = 5_000;

/**
 * Starts DynamoDB Local, the table and the HTTP server; stops them all on SIGINT, SIGTERM or
 * SIGHUP, or when npm is gone (process-lifetime.ts). `--in-memory` keeps no data; `--json-logs`
 * prints the functions' structured log lines instead of one short line per request.
 */
export async function main(): Promise<void> {
  const inMemory = process.argv.includes('--in-memory');
  const jsonLogs = process.argv.includes('--json-logs');
  const local = localSettings(process.env);
  const { port, tableName, webhookUrl } = local;
  const secret = localSecret(process.env);

  const dataDirectory = inMemory ? undefined : join(DATA_DIRECTORY, 'dynamodb');
  if (dataDirectory) mkdirSync(dataDirectory, { recursive: true });
  const dynamoDb = await startDynamoDbLocal({ port: local.dynamoDbPort, dataDirectory });
  let server: Server | undefined;
  let watching: { stop(): void } | undefined;
  stopWithParent(async () => {
    watching?.stop();
    server?.close();
    await dynamoDb.stop();
  });

  const admin = new DynamoDBClient({ endpoint: dynamoDb.endpoint, ...LOCAL_AWS });
  const created = await ensureTable(admin, tableName).finally(() => admin.destroy());
  // The functions' own settings (dedup window, grouping, episode gap), from the same variables;
  // the table and the secret are the local run's.
  const settings: FunctionSettings = {
    ...readSettings(process.env, (message) => console.warn(message)),
    tableName,
    secretArn: undefined,
    secretValue: secret.value,
  };
  // Looser than the function's deadlines: a laptop's DynamoDB Local (a JVM) can pause longer.
  const table = {
    client: createDocumentClient({ endpoint: dynamoDb.endpoint, ...LOCAL_AWS }, LOCAL_DEADLINE_MS),
    tableName,
  };
  const { secrets, intake } = webhookParts(settings, { table, storageBudgetMs: LOCAL_DEADLINE_MS });
  server = createHttpApiServer(
    [
      ...routesServedBy('webhook', createWebhookHandler({ secrets, intake })),
      ...routesServedBy('triage-api', createTriageApiHandler({ service: triageServiceFor(table) })),
      ...boardRoutes(boardPartsFor(table)),
    ],
    jsonLogs ? {} : { onAnswer: (answer) => console.log(requestLine(answer)) },
  );
  // What the stack's event pipe would publish, printed as it happens.
  const events = new StreamEvents(dynamoDb.endpoint, tableName);
  await events.next();
  watching = events.watch((event) =>
    console.log(
      jsonLogs
        ? escapeControls(JSON.stringify({ message: 'event (would be published to EventBridge)', ...event }))
        : eventLine(event),
    ),
  );

  server.once('error', async (error: NodeJS.ErrnoException) => {
    console.error(
      `Cannot listen on 127.0.0.1:${port}: ${error.code ?? error.message}. Set PORT to a free port, e.g. PORT=${port + 1} npm start`,
    );
    watching?.stop();
    await dynamoDb.stop();
    process.exit(1);
  });
  server.listen(port, '127.0.0.1', () => {
    const exports = exportLine(local);
    console.log(
      [
        `DynamoDB Local: ${dynamoDb.endpoint} (${inMemory ? 'in memory' : `data in ${dataDirectory}`}, shared database; it listens on all interfaces and accepts any credentials)`,
        `Table: ${tableName}${created ? ' (created)' : ''}`,
        `Secret: ${secret.description}`,
        ...(exports
          ? [
              '',
              `Not the default ports or table: in another terminal, before npm run signals:`,
              '',
              `  ${exports}`,
            ]
          : []),
        '',
        `PostHog webhook ready: ${ROUTES.webhook.method} ${webhookUrl}`,
        '',
        `  curl -X POST ${webhookUrl} \\`,
        `    -H "Content-Type: application/json" -H "X-PostHog-Secret: $POSTHOG_WEBHOOK_SECRET" \\`,
        `    -d '${SAMPLE_DELIVERY}'`,
        '',
        'For a PostHog destination that cannot set a header (logs alerts): npm run signals -- webhook-url',
        `Triage board: http://127.0.0.1:${port}/`,
        `Read and triage API (no IAM locally): GET/PATCH http://127.0.0.1:${port}/api/issues, GET /api/signals, GET /api/openapi.json`,
        `Each request and each event the stack would publish to EventBridge is printed as it happens${jsonLogs ? ' (as JSON)' : ''}.`,
        '',
        'Ctrl-C stops the server and DynamoDB Local.',
      ].join('\n'),
    );
  });
}
