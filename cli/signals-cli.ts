/**
 * `npm run signals -- <command>`: what arrived, and what to do with it, against the local service
 * (the same DYNAMODB_PORT and TABLE_NAME as `npm start`) or a deployed table. Formatting lives in
 * tables.ts; queries in lambda/storage/read-model.ts; this file parses and dispatches.
 */

import { parseArgs } from 'node:util';
import { createDocumentClient } from '../lambda/aws/clients.ts';
import { neverAnswered } from '../lambda/aws/errors.ts';
import { issueStatusOf, priorityOf } from '../lambda/contract/requests.ts';
import { ROUTES } from '../lambda/contract/routes.ts';
import { ConflictError } from '../lambda/core/errors.ts';
import type { Issue, IssueStatus, Move } from '../lambda/core/loop-records.ts';
import type { Priority } from '../lambda/core/severity.ts';
import { answerFor } from '../lambda/http/http-errors.ts';
import { urlTokenOf } from '../lambda/secret/url-token.ts';
import { type FunctionSettings, readSettings } from '../lambda/settings.ts';
import type { IssueTriage } from '../lambda/storage/issue-triage.ts';
import { keptDeliveryFromItem } from '../lambda/storage/items.ts';
import type { IssueDetail, IssueRow, SignalQueries, SignalRow } from '../lambda/storage/read-model.ts';
import { replayParts, type Table, triageParts } from '../lambda/wiring.ts';
import { LOCAL_AWS } from '../local/dynamodb-local.ts';
import { SAMPLE_DELIVERY } from '../local/sample-delivery.ts';
import { type LocalSettings, localSettings } from '../local/settings.ts';
import { escapeControls } from '../local/terminal-text.ts';
import { existingLocalSecret } from '../local/webhook-secret.ts';
import {
  CLI_CLIENT_SETTINGS,
  CLI_DEADLINE_MS,
  type Deployment,
  deployedSettings,
  findDeployment,
  outputOf,
  secretValue,
} from './deployment.ts';
import { ApiRequestError, SignedApi } from './signed-api-client.ts';
import {
  detailJsonText,
  detailText,
  issueTable,
  prettyJson,
  signalTable,
  unreadableTable,
} from './tables.ts';

export const USAGE = `Usage: npm run signals -- <command> [options]

Commands:
  list                    newest signals: age, severity, kind, issue, status, title
  triage                  issues in triage, by priority then age
  issues --status S       issues of another status (backlog, todo, in_progress, done, canceled)
  show <id|number>        one signal or issue (signal id, issue id or issue number) with its payload
  move <issue> <status>   move an issue (number or id) to a status, from the status it has now;
                          --priority N (1-4) changes its priority too (or alone: move <issue> - --priority N)
  rejected                authenticated deliveries that could not be read, kept 14 days for replay
  replay <id>             run a kept delivery through the current code, as a delivery would be
  test-delivery           send the README's sample delivery and print the answer
  webhook-url             print the webhook URL with its token, for senders that cannot set a header

Options:
  --json                  machine-readable output
  --limit N               rows for list/triage/rejected (default 20, at most 1000)
  --table NAME            a deployed table (AWS credentials and region from the environment)
  --api URL               a deployed stack's read and triage API (its ApiBaseUrl output), signed with
                          your AWS credentials: list, triage, issues, show, move
  --status S              the status for issues
  --priority N            the priority for move
  --endpoint URL          DynamoDB endpoint (default: the local service, 127.0.0.1:$DYNAMODB_PORT)
  --url URL               test-delivery target (default: http://127.0.0.1:$PORT${ROUTES.webhook.path});
                          webhook-url: a deployed stack's WebhookUrl output (with --secret-id)
  --secret VALUE          test-delivery secret (default: $POSTHOG_WEBHOOK_SECRET or .data/posthog-webhook-secret)
  --stack NAME            webhook-url of a deployed stack (reads its outputs and its secret)
  --secret-id ARN         webhook-url from this Secrets Manager secret (with --url)`;

export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly now?: () => Date;
}

const READ_COMMANDS = ['list', 'triage', 'issues', 'show', 'move'] as const;
const TABLE_COMMANDS = [...READ_COMMANDS, 'rejected', 'replay'] as const;
type TableCommand = (typeof TABLE_COMMANDS)[number];
/** How many positional arguments each command takes after its name. */
const ARGUMENTS: Readonly<Record<TableCommand, number>> = {
  list: 0,
  triage: 0,
  issues: 0,
  show: 1,
  move: 2,
  rejected: 0,
  replay: 1,
};

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
  const { command, rest, options } = parsed;
  const [reference] = rest;
  if (command === 'test-delivery') return testDelivery(options, local, io);
  if (command === 'webhook-url') return webhookUrl(options, local, io);
  if (!isTableCommand(command) || ARGUMENTS[command] !== rest.length) {
    io.err(USAGE);
    return 2;
  }
  let move: { status: IssueStatus | undefined; priority: Priority | undefined } | undefined;
  let status: IssueStatus = 'triage';
  try {
    if (command === 'move') move = moveOf(rest[1], options.priority);
    if (command === 'issues') status = issueStatusOf(options.status ?? '', '--status');
  } catch (error) {
    io.err((error as Error).message);
    return 2;
  }
  const limit = Number(options.limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    io.err(`--limit must be a whole number from 1 to 1000, not "${options.limit}"`);
    return 2;
  }

  const now = io.now?.() ?? new Date();
  if (options.api) {
    if (command === 'rejected' || command === 'replay') {
      io.err(`${command} reads the table itself: use --table, not --api`);
      return 2;
    }
    try {
      return await readCommand(
        command,
        apiBackend(new SignedApi(options.api, io.env)),
        { reference, move, status, limit, now, json: options.json, where: options.api },
        io,
      );
    } catch (error) {
      io.err(
        `The API at ${options.api} did not answer: ${(error as Error).name}: ${(error as Error).message}`,
      );
      return 1;
    }
  }
  let target: TableTarget;
  try {
    target = await tableTarget(options, local, io.env);
  } catch (error) {
    io.err(`Cannot find the deployed stack: ${(error as Error).message}`);
    return 1;
  }
  const { client } = target.table;
  try {
    const { queries, triage } = triageParts(target.table);
    switch (command) {
      case 'list':
      case 'triage':
      case 'issues':
      case 'show':
      case 'move':
        return await readCommand(
          command,
          tableBackend(queries, triage),
          {
            reference,
            move,
            status,
            limit,
            now,
            json: options.json,
            where: `table ${target.table.tableName}`,
          },
          io,
        );
      case 'rejected': {
        const { items } = await queries.unreadable(limit);
        io.out(options.json ? prettyJson(items) : unreadableTable(items, now));
        return 0;
      }
      case 'replay':
        return await replay(String(reference), queries, target, io);
    }
  } catch (error) {
    io.err(explain(error, target));
    return 1;
  } finally {
    client.destroy();
  }
}

function isTableCommand(command: string | undefined): command is TableCommand {
  return (TABLE_COMMANDS as readonly (string | undefined)[]).includes(command);
}

/** What the read commands need, from the table or from the API. */
interface Backend {
  newestSignals(limit: number): Promise<SignalRow[]>;
  issuesWithStatus(status: IssueStatus, limit: number): Promise<IssueRow[]>;
  find(reference: string): Promise<IssueDetail | undefined>;
  /** Moves the issue; conditional on `fromStatus`, when given. */
  moveIssue(issueId: string, move: Move): Promise<Issue>;
}

function tableBackend(queries: SignalQueries, triage: IssueTriage): Backend {
  return {
    newestSignals: async (limit) => (await queries.newestSignals(limit)).items,
    issuesWithStatus: async (status, limit) => (await queries.issuesWithStatus(status, limit)).items,
    find: (reference) => queries.find(reference),
    moveIssue: async (issueId, move) => (await triage.move(issueId, move)).issue,
  };
}

function apiBackend(api: SignedApi): Backend {
  const issuePath = (reference: string) =>
    ROUTES.getIssue.path.replace('{issue}', encodeURIComponent(reference));
  const find = async (reference: string) => {
    try {
      return await api.get<IssueDetail>(issuePath(reference));
    } catch (error) {
      if (error instanceof ApiRequestError && error.status === 404) return undefined;
      throw error;
    }
  };
  return {
    newestSignals: async (limit) =>
      (await api.get<{ signals: SignalRow[] }>(ROUTES.listSignals.path, { limit: String(limit) })).signals,
    issuesWithStatus: async (status, limit) =>
      (await api.get<{ issues: IssueRow[] }>(ROUTES.listIssues.path, { status, limit: String(limit) }))
        .issues,
    find,
    moveIssue: async (issueId, move) => (await api.patch<{ issue: Issue }>(issuePath(issueId), move)).issue,
  };
}

interface ReadRequest {
  readonly reference: string | undefined;
  readonly move: { status: IssueStatus | undefined; priority: Priority | undefined } | undefined;
  readonly status: IssueStatus;
  readonly limit: number;
  readonly now: Date;
  readonly json: boolean | undefined;
  /** Where the data is, for messages. */
  readonly where: string;
}

/** list, triage, issues, show and move, against either backend. */
async function readCommand(
  command: (typeof READ_COMMANDS)[number],
  backend: Backend,
  request: ReadRequest,
  io: CliIo,
): Promise<number> {
  const { reference = '', limit, now, json } = request;
  try {
    switch (command) {
      case 'list': {
        const rows = await backend.newestSignals(limit);
        io.out(json ? prettyJson(rows) : signalTable(rows, now));
        return 0;
      }
      case 'triage':
      case 'issues': {
        const status = command === 'triage' ? 'triage' : request.status;
        const rows = await backend.issuesWithStatus(status, limit);
        io.out(json ? prettyJson(rows) : issueTable(rows, now, `No issue is in ${status}.`));
        return 0;
      }
      case 'show': {
        const detail = await backend.find(reference);
        if (!detail) {
          io.err(`No signal or issue "${reference}" in ${request.where}`);
          return 1;
        }
        io.out(json ? detailJsonText(detail) : detailText(detail));
        return 0;
      }
      case 'move': {
        // Moved from the status it has now, so a concurrent move is a conflict, not lost.
        const before = (await backend.find(reference))?.issue;
        if (!before) {
          io.err(`No issue "${reference}" in ${request.where}`);
          return 1;
        }
        const after = await backend.moveIssue(before.id, {
          ...(request.move?.status ? { status: request.move.status, fromStatus: before.status } : {}),
          ...(request.move?.priority ? { priority: request.move.priority } : {}),
        });
        io.out(
          json
            ? prettyJson(after)
            : `Issue #${after.number}: ${before.status} → ${after.status}, P${before.priority} → P${after.priority}  ${after.title}`,
        );
        return 0;
      }
    }
  } catch (error) {
    if (error instanceof ConflictError || (error instanceof ApiRequestError && error.status < 500)) {
      io.err(`${error instanceof ApiRequestError ? error.status : 409}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

/** `move <issue> <status|->` with `--priority N`. */
/**
 * `move <issue> <status|->` with `--priority N`: read as the API reads a move
 * (lambda/contract/requests.ts), so both refuse the same input with the same words.
 */
function moveOf(statusText: string | undefined, priorityText: string | undefined) {
  const status = statusText === undefined || statusText === '-' ? undefined : issueStatusOf(statusText);
  const priority =
    priorityText === undefined
      ? undefined
      : priorityOf(/^\d$/.test(priorityText) ? Number(priorityText) : NaN, '--priority');
  if (!status && !priority) throw new Error('move needs a status, or - with --priority N');
  return { status, priority };
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
      stack: { type: 'string' },
      'secret-id': { type: 'string' },
      api: { type: 'string' },
      status: { type: 'string' },
      priority: { type: 'string' },
    },
  });
  if (positionals.length > 3) throw new Error(`Unexpected argument "${positionals[3]}"`);
  return { command: positionals[0], rest: positionals.slice(1), options: values };
}

type Options = ReturnType<typeof parse>['options'];

interface TableTarget {
  readonly table: Table;
  /** Where the table is, for messages. */
  readonly where: string;
  /** The local service's table (no --table, no --stack). */
  readonly local: boolean;
  /** The deployed stack the table belongs to, found when asked for (replay, --stack). */
  readonly deployment?: () => Promise<Deployment>;
}

// Without --table or --stack the CLI reads the local service's table, exactly as `npm start` sets it up.
async function tableTarget(
  options: Options,
  local: LocalSettings,
  env: NodeJS.ProcessEnv,
): Promise<TableTarget> {
  if ((options.table || options.stack) && !options.endpoint) {
    const reference = options.stack ? { stack: options.stack } : { table: String(options.table) };
    let found: Promise<Deployment> | undefined;
    const deployment = (): Promise<Deployment> => {
      found ??= findDeployment(reference);
      return found;
    };
    const tableName = options.table ?? outputOf(await deployment(), 'TableName');
    return {
      table: { client: createDocumentClient({ ...CLI_CLIENT_SETTINGS }, CLI_DEADLINE_MS), tableName },
      where: `AWS (${env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'region from your AWS config'})`,
      local: false,
      deployment,
    };
  }
  const endpoint = options.endpoint ?? local.dynamoDbEndpoint;
  return {
    table: {
      client: createDocumentClient(
        { endpoint, ...LOCAL_AWS, ...CLI_CLIENT_SETTINGS, maxAttempts: 1 },
        CLI_DEADLINE_MS,
      ),
      tableName: options.table ?? local.tableName,
    },
    where: endpoint,
    local: true,
  };
}

function explain(error: unknown, target: TableTarget): string {
  const { name } = error as { name?: string };
  if (name === 'ResourceNotFoundException') {
    return `Table "${target.table.tableName}" not found at ${target.where}.${target.local ? ' Is `npm start` running with the same TABLE_NAME?' : ''}`;
  }
  if (neverAnswered(error)) {
    return `Cannot reach DynamoDB at ${target.where}.${target.local ? ' Start the service with `npm start` (it honours DYNAMODB_PORT), or pass --table for a deployed table.' : ''}`;
  }
  return `DynamoDB refused the request: ${name ?? 'Error'}: ${(error as Error).message}`;
}

/**
 * `replay <id>`: a kept unreadable delivery through the current code — the same intake, with the
 * time it first arrived, and the settings of the service it replays into (the deployed webhook
 * function's own, or the local run's) — answered as a delivery would be. Filed, it is no longer
 * kept; still unreadable, it stays (with the new reason).
 */
async function replay(id: string, queries: SignalQueries, target: TableTarget, io: CliIo): Promise<number> {
  const kept = await queries.unreadableDelivery(id);
  if (!kept) {
    io.err(
      `No kept delivery "${id}" in table ${target.table.tableName} (see \`npm run signals -- rejected\`)`,
    );
    return 1;
  }
  const delivery = keptDeliveryFromItem(kept);
  if (typeof delivery === 'string') {
    io.err(`Kept delivery "${id}" cannot be replayed: ${delivery}`);
    return 1;
  }
  let settings: FunctionSettings;
  try {
    settings = target.deployment ? await deployedSettings(await target.deployment()) : readSettings(io.env);
  } catch (error) {
    io.err(
      `Cannot read the deployed webhook's settings, so cannot file as it would: ${(error as Error).message}`,
    );
    return 1;
  }
  const { store, intake } = replayParts(settings, target.table, CLI_DEADLINE_MS);
  try {
    const result = await intake.accept(delivery);
    if (result.status !== 'stored') throw new Error('not stored');
    await store.forgetUnreadable(id);
    const [first] = result.stored;
    const issue = first.records.issue;
    // One line each: a title or a refusal quoting the body cannot start a line of its own.
    io.out(
      escapeControls(
        `${result.replayed ? 200 : 201} ${first.filing}: ${issue ? `issue #${issue.number} "${issue.title}"` : 'no open issue'} (signal ${first.records.signal.id}); no longer kept`,
      ),
    );
    return 0;
  } catch (error) {
    const { statusCode, message } = answerFor(error);
    if (statusCode >= 500) throw error;
    io.err(escapeControls(`${statusCode}: ${message}`));
    return 1;
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
 * `webhook-url`: the one place the URL token is printed (docs/http-contract.md "The URL token"):
 * the local service's by default; a deployed stack's with `--stack` (its outputs and its secret),
 * or with `--secret-id` and `--url`.
 */
async function webhookUrl(options: Options, local: LocalSettings, io: CliIo): Promise<number> {
  try {
    let base: string;
    let secret: string;
    if (options.stack) {
      const deployment = await findDeployment({ stack: options.stack });
      base = outputOf(deployment, 'WebhookUrl');
      secret = await secretValue(outputOf(deployment, 'WebhookSecretArn'));
    } else if (options['secret-id']) {
      if (!options.url) {
        io.err("--secret-id needs --url: the stack's WebhookUrl output");
        return 2;
      }
      base = options.url;
      secret = await secretValue(options['secret-id']);
    } else {
      const found = options.secret ?? existingLocalSecret(io.env)?.value;
      if (!found) {
        io.err('No secret: set POSTHOG_WEBHOOK_SECRET, or run `npm start` once to generate one.');
        return 2;
      }
      base = options.url ?? local.webhookUrl;
      secret = found;
    }
    io.out(`${base.replace(/\/+$/, '')}/${urlTokenOf(secret)}`);
    return 0;
  } catch (error) {
    io.err(`Cannot read the stack's URL and secret: ${(error as Error).name}: ${(error as Error).message}`);
    return 1;
  }
}

/**
 * Text for the terminal: each line with its control characters escaped. Line breaks between
 * lines stay; one inside a stored value (a title, an id) is a single table cell or field, already
 * escaped where the line was built, so it can never start a line of its own.
 */
function safeLines(text: string): string {
  return text.split('\n').map(escapeControls).join('\n');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
