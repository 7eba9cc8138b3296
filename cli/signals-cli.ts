import { parseArgs } from 'node:util';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../lambda/aws-clients.ts';
import { neverAnswered } from '../lambda/aws-errors.ts';
import { WEBHOOK_ROUTE } from '../lambda/http/routes.ts';
import {
  type IssueDetail,
  SignalQueries,
  type SignalRow,
  type TriageRow,
} from '../lambda/storage/read-model.ts';
import { LOCAL_AWS } from '../local/dynamodb-local.ts';
import { SAMPLE_DELIVERY } from '../local/sample-delivery.ts';
import { type LocalSettings, localSettings } from '../local/settings.ts';
import { existingLocalSecret } from '../local/webhook-secret.ts';
import { escapeControls } from './terminal-text.ts';

export const USAGE = `Usage: npm run signals -- <command> [options]

Commands:
  list                    newest signals: severity, title, issue number, age
  triage                  the triage queue, by priority then age
  show <id|number>        one signal or issue (signal id, issue id or issue number) with its payload
  test-delivery           send the README's sample delivery and print the answer

Options:
  --json                  machine-readable output
  --limit N               rows for list/triage (default 20, at most 1000)
  --table NAME            a deployed table (AWS credentials and region from the environment)
  --endpoint URL          DynamoDB endpoint (default: the local service, 127.0.0.1:$DYNAMODB_PORT)
  --url URL               test-delivery target (default: http://127.0.0.1:$PORT${WEBHOOK_ROUTE.path})
  --secret VALUE          test-delivery secret (default: $POSTHOG_WEBHOOK_SECRET or .data/posthog-webhook-secret)`;

export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly now?: () => Date;
}

/**
 * Runs the CLI; returns the exit code (0 ok, 1 failure, 2 usage). Every line it prints passes
 * through escapeControls (terminal-text.ts): stored text can never drive the terminal.
 */
export async function runCli(args: string[], terminal: CliIo): Promise<number> {
  const io: CliIo = {
    ...terminal,
    out: (text) => terminal.out(safeLines(text)),
    err: (text) => terminal.err(safeLines(text)),
  };
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  let local: LocalSettings;
  try {
    local = localSettings(io.env);
  } catch (error) {
    io.err((error as Error).message);
    return 2;
  }
  const { command, reference, options } = parsed;
  if (command === 'test-delivery') return testDelivery(options, local, io);
  if (
    !command ||
    !['list', 'triage', 'show'].includes(command) ||
    (command === 'show') !== (reference !== undefined)
  ) {
    io.err(USAGE);
    return 2;
  }
  const limit = Number(options.limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    io.err(`--limit must be a whole number from 1 to 1000, not "${options.limit}"`);
    return 2;
  }

  const target = tableTarget(options, local, io.env);
  const client = target.client;
  try {
    const queries = new SignalQueries(client, target.tableName);
    const now = io.now?.() ?? new Date();
    if (command === 'list') {
      const rows = await queries.newestSignals(limit);
      io.out(options.json ? prettyJson(rows) : signalTable(rows, now));
    } else if (command === 'triage') {
      const rows = await queries.triageIssues(limit);
      io.out(options.json ? prettyJson(rows) : triageTable(rows, now));
    } else {
      const detail = await queries.find(String(reference));
      if (!detail) {
        io.err(`No signal or issue "${reference}" in table ${target.tableName}`);
        return 1;
      }
      io.out(options.json ? prettyJson(detail) : detailText(detail));
    }
    return 0;
  } catch (error) {
    io.err(explain(error, target));
    return 1;
  } finally {
    client.destroy();
  }
}

function parse(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      limit: { type: 'string' },
      table: { type: 'string' },
      endpoint: { type: 'string' },
      url: { type: 'string' },
      secret: { type: 'string' },
    },
  });
  if (positionals.length > 2) throw new Error(`Unexpected argument "${positionals[2]}"`);
  return { command: positionals[0], reference: positionals[1], options: values };
}

type Options = ReturnType<typeof parse>['options'];

interface TableTarget {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Where the table is, for messages. */
  readonly where: string;
  readonly local: boolean;
}

// Without --table the CLI reads the local service's table, exactly as `npm start` sets it up.
function tableTarget(options: Options, local: LocalSettings, env: NodeJS.ProcessEnv): TableTarget {
  // Looser than the function's fail-fast timeouts: a first TLS handshake from a laptop can be slow.
  const timeouts = {
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
  };
  if (options.table && !options.endpoint) {
    return {
      client: createDocumentClient({ ...timeouts }),
      tableName: options.table,
      where: `AWS (${env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'region from your AWS config'})`,
      local: false,
    };
  }
  const endpoint = options.endpoint ?? local.dynamoDbEndpoint;
  return {
    client: createDocumentClient({ endpoint, ...LOCAL_AWS, ...timeouts, maxAttempts: 1 }),
    tableName: options.table ?? local.tableName,
    where: endpoint,
    local: true,
  };
}

function explain(error: unknown, target: TableTarget): string {
  const { name } = error as { name?: string };
  if (name === 'ResourceNotFoundException') {
    return `Table "${target.tableName}" not found at ${target.where}.${target.local ? ' Is `npm start` running with the same TABLE_NAME?' : ''}`;
  }
  if (neverAnswered(error)) {
    return `Cannot reach DynamoDB at ${target.where}.${target.local ? ' Start the service with `npm start` (it honours DYNAMODB_PORT), or pass --table for a deployed table.' : ''}`;
  }
  return `DynamoDB refused the request: ${name ?? 'Error'}: ${(error as Error).message}`;
}

function age(createdAt: string, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(createdAt)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

function table(headers: string[], cells: string[][]): string {
  // Escaped before measuring, so that the columns line up as printed.
  const rows = cells.map((row) => row.map(escapeControls));
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

function signalTable(rows: SignalRow[], now: Date): string {
  if (rows.length === 0) return 'No signals yet.';
  return table(
    ['AGE', 'SEVERITY', 'ISSUE', 'TITLE', 'SIGNAL'],
    rows.map((row) => [
      age(row.createdAt, now),
      row.severity,
      row.issueNumber === undefined ? '?' : `#${row.issueNumber}`,
      row.title ?? '',
      row.signalId,
    ]),
  );
}

function triageTable(rows: TriageRow[], now: Date): string {
  if (rows.length === 0) return 'The triage queue is empty.';
  return table(
    ['PRIORITY', 'ISSUE', 'AGE', 'TITLE'],
    rows.map((row) => [`P${row.priority}`, `#${row.number}`, age(row.createdAt, now), row.title]),
  );
}

function detailText({ issue, signals }: IssueDetail): string {
  // Each line is escaped whole, so a line break inside a stored field cannot start a line.
  const lines = [
    `Issue #${issue.number}  ${issue.title}`,
    `  id ${issue.id}  status ${issue.status}  priority P${issue.priority}  created ${issue.createdAt}`,
  ].map(escapeControls);
  for (const signal of signals) {
    lines.push(
      '',
      escapeControls(`Signal ${signal.id}`),
      escapeControls(
        `  ${signal.severity}  source ${signal.source}${signal.sourceId ? ` (${signal.sourceId})` : ''}  type ${signal.type}  created ${signal.createdAt}`,
      ),
      '',
      'Payload:',
      indentedJson(signal.payload),
    );
  }
  return lines.join('\n');
}

function indentedJson(value: unknown): string {
  try {
    return prettyJson(value);
  } catch {
    return '(nested too deeply to print; read it from the table)';
  }
}

async function testDelivery(options: Options, local: LocalSettings, io: CliIo): Promise<number> {
  const url = options.url ?? local.webhookUrl;
  const secret = options.secret ?? existingLocalSecret(io.env)?.value;
  if (!secret) {
    io.err('No secret: pass --secret, set POSTHOG_WEBHOOK_SECRET, or run `npm start` once to generate one.');
    return 2;
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-PostHog-Secret': secret },
      body: SAMPLE_DELIVERY,
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    io.err(`Cannot reach ${url}: ${(error as Error).message}`);
    return 1;
  }
  const text = await response.text();
  const body = safeJson(text) as {
    data?: { issue?: { number?: number; title?: string }; signal?: { id?: string } };
    error?: string;
  };
  if (response.ok && body?.data?.issue) {
    const replayed = response.headers.get('idempotent-replayed') === 'true';
    io.out(
      escapeControls(
        `${response.status} ${replayed ? 'repeat of an earlier delivery (nothing new stored)' : 'created'}: issue #${body.data.issue.number} "${body.data.issue.title}" (signal ${body.data.signal?.id})`,
      ),
    );
    return 0;
  }
  io.err(`${response.status}: ${escapeControls(body?.error ?? text)}`);
  return 1;
}

/**
 * Text for the terminal: each line with its control characters escaped. Line breaks between
 * lines stay; one inside a stored value (a title, an id) is a single table cell or field, already
 * escaped where the line was built, so it can never start a line of its own.
 */
function safeLines(text: string): string {
  return text.split('\n').map(escapeControls).join('\n');
}

/** JSON never writes a raw line break inside a string, so its line breaks are all layout. */
function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
