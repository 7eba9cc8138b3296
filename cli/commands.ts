/**
 * The CLI's commands, one row each: what it takes, what it says it does, and how it runs. Reads
 * and moves go through a Backend (backend.ts: a table, or a deployed API) so that both answer
 * alike; what only a table holds (kept deliveries, replay) reads the table. Text for a person
 * comes from tables.ts; `--json` prints the API's shapes.
 */
import { randomUUID } from 'node:crypto';
import { createDocumentClient } from '../lambda/aws/clients.ts';
import { issueStatusOf, priorityOf } from '../lambda/contract/requests.ts';
import { NotFoundError } from '../lambda/core/errors.ts';
import type { CommentAuthor } from '../lambda/core/loop-records.ts';
import { escapeControls } from '../lambda/core/visible-text.ts';
import { answerFor } from '../lambda/http/http-errors.ts';
import { urlTokenOf } from '../lambda/secret/url-token.ts';
import { type FunctionSettings, readSettings } from '../lambda/settings.ts';
import { keptDeliveryFromItem } from '../lambda/storage/items.ts';
import { SignalQueries } from '../lambda/storage/read-model.ts';
import { replayParts, type Table, triageServiceFor } from '../lambda/wiring.ts';
import { LOCAL_AWS } from '../local/dynamodb-local.ts';
import { TEST_DELIVERY } from '../local/sample-delivery.ts';
import type { LocalSettings } from '../local/settings.ts';
import { existingLocalSecret } from '../local/webhook-secret.ts';
import { apiBackend, type Backend, type IssueJson, type PageJson, tableBackend } from './backend.ts';
import { CliFailure, explain, type Target, UsageError } from './cli-errors.ts';
import {
  CLI_CLIENT_SETTINGS,
  CLI_DEADLINE_MS,
  type Deployment,
  deployedSettings,
  findDeployment,
  outputOf,
  secretValue,
} from './deployment.ts';
import { SignedApiClient } from './signed-api-client.ts';
import {
  commentsText,
  issueTable,
  issueText,
  prettyJson,
  signalTable,
  signalText,
  unreadableTable,
} from './tables.ts';

/** Where the CLI reads its environment and writes its lines (the process, or a test). */
export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly now?: () => Date;
  /** The terminal's width in columns: tables fit it (`COLUMNS` overrides it). @default no limit */
  readonly columns?: number;
}

/** The options as parsed (signals-cli.ts OPTIONS). */
export interface Options {
  readonly json?: boolean;
  readonly help?: boolean;
  readonly limit?: string;
  readonly cursor?: string;
  readonly table?: string;
  readonly stack?: string;
  readonly api?: string;
  readonly endpoint?: string;
  readonly status?: string;
  readonly priority?: string;
  readonly reason?: string;
  readonly author?: string;
  readonly 'author-type'?: string;
  readonly agent?: string;
  readonly url?: string;
  readonly secret?: string;
  readonly 'secret-id'?: string;
}

/** What a command runs with. */
export interface Context {
  readonly io: CliIo;
  /** Its arguments, after its name. */
  readonly rest: string[];
  readonly options: Options;
  readonly local: LocalSettings;
  readonly now: Date;
  /** The columns tables fit; undefined: no limit. */
  readonly width: number | undefined;
  /** Where the command's calls go, for its error line: set as the command finds out. */
  readonly target: { where: string; local: boolean };
}

interface Command {
  /** Its arguments, for the usage. */
  readonly synopsis: string;
  readonly summary: string;
  readonly minArguments: number;
  readonly maxArguments: number;
  /** The options it takes besides --json and --help. */
  readonly options: readonly (keyof Options)[];
  run(context: Context): Promise<number>;
}

/** The most rows a listing gathers, however many pages that takes. */
const MAX_ROWS = 1000;
/** Rows a listing shows unless told. */
const DEFAULT_ROWS = 20;
/** Rows asked for per page: the API's largest. */
const PAGE_ROWS = 100;

const WHERE = ['table', 'stack', 'api', 'endpoint'] as const;
const TABLE_ONLY = ['table', 'stack', 'endpoint'] as const;
const LISTING = ['limit', 'cursor'] as const;

export const COMMANDS = {
  list: {
    synopsis: '',
    summary: 'newest signals: age, severity, kind, issue, status, title',
    minArguments: 0,
    maxArguments: 0,
    options: [...LISTING, ...WHERE],
    async run(context) {
      const backend = await backendFor(context);
      const page = await gathered(context, (limit, cursor) => backend.signals(limit, cursor));
      say(context, { signals: page.rows, cursor: page.cursor }, () =>
        signalTable(page.rows, context.now, context.width),
      );
      return moreRemain(context, page);
    },
  },
  triage: {
    synopsis: '',
    summary: 'issues in triage, by priority then age',
    minArguments: 0,
    maxArguments: 0,
    options: [...LISTING, ...WHERE],
    run: (context) =>
      listIssues(
        context,
        (backend, limit, cursor) => backend.issues('triage', limit, cursor),
        'No issue is in triage.',
      ),
  },
  issues: {
    synopsis: '',
    summary: 'issues of a status (--status, default triage), by priority then age',
    minArguments: 0,
    maxArguments: 0,
    options: ['status', ...LISTING, ...WHERE],
    run: (context) => {
      const status =
        context.options.status === undefined
          ? 'triage'
          : usageOf(() => issueStatusOf(context.options.status, '--status'));
      return listIssues(
        context,
        (backend, limit, cursor) => backend.issues(status, limit, cursor),
        `No issue is in ${status}.`,
      );
    },
  },
  show: {
    synopsis: '<issue|signal>',
    summary: 'an issue (by number or id) with its description, comments and signals; or a signal by its id',
    minArguments: 1,
    maxArguments: 1,
    options: [...WHERE],
    async run(context) {
      const [reference = ''] = context.rest;
      const backend = await backendFor(context);
      try {
        const detail = await backend.issue(reference);
        const comments = await gatheredAll((limit, cursor) =>
          backend.comments(detail.issue.id, limit, cursor),
        );
        say(context, { ...detail, comments }, () => issueText(detail, comments));
        return 0;
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
      try {
        const signal = await backend.signal(reference);
        say(context, { signal }, () => signalText(signal));
        return 0;
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        throw new CliFailure(`No issue or signal "${reference.slice(0, 64)}" in ${backend.where}`);
      }
    },
  },
  move: {
    synopsis: '<issue> <status|->',
    summary:
      'move an issue to a status (- keeps it), from the status it has now; --priority N too; --reason why',
    minArguments: 2,
    maxArguments: 2,
    options: ['priority', 'reason', 'author', 'author-type', ...WHERE],
    async run(context) {
      const [reference = '', statusText] = context.rest;
      const { options } = context;
      const status = statusText === '-' ? undefined : usageOf(() => issueStatusOf(statusText, 'status'));
      const priority =
        options.priority === undefined
          ? undefined
          : usageOf(() =>
              priorityOf(
                /^[0-9]$/.test(options.priority ?? '') ? Number(options.priority) : Number.NaN,
                '--priority',
              ),
            );
      if (status === undefined && priority === undefined) {
        throw new UsageError('move needs a status, or - with --priority N');
      }
      const reason =
        options.reason === undefined ? undefined : { body: options.reason, author: authorOf(context) };
      const backend = await backendFor(context);
      // Moved from the status it has now: a concurrent move is a conflict (409), never lost.
      const before = (await backend.issue(reference)).issue;
      const after = await backend.move(before.id, {
        ...(status !== undefined ? { status } : {}),
        fromStatus: before.status,
        ...(priority !== undefined ? { priority } : {}),
        ...(reason ? { reason } : {}),
      });
      const changed = [
        ...(before.status !== after.status ? [`${before.status} → ${after.status}`] : []),
        ...(before.priority !== after.priority ? [`P${before.priority} → P${after.priority}`] : []),
      ];
      say(context, { issue: after }, () =>
        [
          `Issue #${after.number}: ${changed.length > 0 ? changed.join(', ') : `already ${after.status}, P${after.priority}: nothing changed`}  ${after.title}`,
          ...(reason ? ['The reason is kept as a comment.'] : []),
        ].join('\n'),
      );
      return 0;
    },
  },
  comment: {
    synopsis: '<issue> <text>',
    summary: 'leave a note (Markdown) on an issue: --author NAME, --author-type human|agent',
    minArguments: 2,
    maxArguments: 2,
    options: ['author', 'author-type', ...WHERE],
    async run(context) {
      const [reference = '', body = ''] = context.rest;
      const author = authorOf(context);
      const backend = await backendFor(context);
      const comment = await backend.comment(reference, body, author);
      say(context, { comment }, () => `Comment ${comment.id} left on issue ${reference} by ${author.name}.`);
      return 0;
    },
  },
  comments: {
    synopsis: '<issue>',
    summary: "an issue's notes, oldest first",
    minArguments: 1,
    maxArguments: 1,
    options: [...LISTING, ...WHERE],
    async run(context) {
      const [reference = ''] = context.rest;
      const backend = await backendFor(context);
      const page = await gathered(context, (limit, cursor) => backend.comments(reference, limit, cursor));
      say(context, { comments: page.rows, cursor: page.cursor }, () => commentsText(page.rows));
      return moreRemain(context, page);
    },
  },
  claim: {
    synopsis: '',
    summary:
      'claim the most urgent todo issue (priority, then oldest): it becomes in_progress, yours (--agent)',
    minArguments: 0,
    maxArguments: 0,
    options: ['agent', ...WHERE],
    async run(context) {
      const agent = context.options.agent ?? defaultName(context);
      const backend = await backendFor(context);
      const claimed = await backend.claim(agent);
      say(context, claimed ?? null, () =>
        claimed
          ? `Claimed by ${agent}: now in_progress.\n\n${issueText(claimed, [])}`
          : 'Nothing waits in todo.',
      );
      return 0;
    },
  },
  queue: {
    synopsis: '',
    summary: 'what claim would take, in order, without claiming (the todo issues)',
    minArguments: 0,
    maxArguments: 0,
    options: [...LISTING, ...WHERE],
    run: (context) =>
      listIssues(context, (backend, limit, cursor) => backend.queue(limit, cursor), 'Nothing waits in todo.'),
  },
  rejected: {
    synopsis: '[show <id>]',
    summary:
      'authenticated deliveries that could not be read, kept 14 days, newest first; show <id>: one, with its body',
    minArguments: 0,
    maxArguments: 2,
    options: [...LISTING, ...TABLE_ONLY],
    async run(context) {
      const [word, id] = context.rest;
      if (word !== undefined && (word !== 'show' || id === undefined)) {
        throw new UsageError('rejected takes no argument, or show <id>');
      }
      const target = await tableTargetFor(context);
      const queries = new SignalQueries(target.table.client, target.table.tableName);
      try {
        if (id !== undefined) return await showRejected(context, queries, id, target);
        const page = await gathered(context, async (limit, cursor) => {
          const found = await queries.unreadable(limit, cursor);
          return { rows: found.items, cursor: found.cursor ?? null };
        });
        say(context, { rejected: page.rows, cursor: page.cursor }, () =>
          unreadableTable(page.rows, context.now, context.width),
        );
        return moreRemain(context, page);
      } finally {
        target.table.client.destroy();
      }
    },
  },
  replay: {
    synopsis: '<id>',
    summary:
      'run a kept delivery through the current code, filed as the service it replays into would file it',
    minArguments: 1,
    maxArguments: 1,
    options: [...TABLE_ONLY],
    async run(context) {
      const target = await tableTargetFor(context);
      try {
        return await replay(context, context.rest[0] ?? '', target);
      } finally {
        target.table.client.destroy();
      }
    },
  },
  mcp: {
    synopsis: '',
    summary:
      'serve the triage queue to an AI agent as an MCP server on stdio (run it from your MCP client: README.md "MCP server")',
    minArguments: 0,
    maxArguments: 0,
    options: [...WHERE],
    async run(context) {
      const backend = await backendFor(context);
      // Loaded only here: the SDK is not what the other commands should wait for.
      const { serveMcp } = await import('./mcp-server.ts');
      await serveMcp(backend, (error) => explain(error, context.target));
      return 0;
    },
  },
  'test-delivery': {
    synopsis: '',
    summary: 'send a test delivery (marked as a test: stored, kept out of triage) and print the answer',
    minArguments: 0,
    maxArguments: 0,
    options: ['url', 'secret'],
    run: testDelivery,
  },
  'webhook-url': {
    synopsis: '',
    summary: 'print the webhook URL with its token, for senders that cannot set a header',
    minArguments: 0,
    maxArguments: 0,
    options: ['url', 'secret', 'stack', 'secret-id'],
    run: webhookUrl,
  },
} as const satisfies Record<string, Command>;

export type CommandName = keyof typeof COMMANDS;

/** Prints `data` as JSON with --json, else the text for a person. */
function say(context: Context, data: unknown, text: () => string): void {
  context.io.out(context.options.json ? prettyJson(data) : text());
}

/** Says, on stderr, that a listing stopped with more to read; 0 either way. */
function moreRemain(context: Context, page: PageJson<unknown>): number {
  if (page.cursor !== null && !context.options.json) {
    context.io.err(`More remain: show more with --limit, or continue with --cursor ${page.cursor}`);
  }
  return 0;
}

async function listIssues(
  context: Context,
  fetchPage: (backend: Backend, limit: number, cursor?: string) => Promise<PageJson<IssueJson>>,
  empty: string,
): Promise<number> {
  const backend = await backendFor(context);
  const page = await gathered(context, (limit, cursor) => fetchPage(backend, limit, cursor));
  say(context, { issues: page.rows, cursor: page.cursor }, () =>
    issueTable(page.rows, context.now, empty, context.width),
  );
  return moreRemain(context, page);
}

/** Up to --limit rows, page after page; the cursor where it stopped when more remain (else null). */
async function gathered<Row>(
  context: Context,
  fetchPage: (limit: number, cursor?: string) => Promise<PageJson<Row>>,
): Promise<PageJson<Row>> {
  const limit = limitOf(context.options.limit);
  const rows: Row[] = [];
  let cursor: string | null = context.options.cursor ?? null;
  let first = true;
  while (rows.length < limit && (first || cursor !== null)) {
    const page = await fetchPage(Math.min(PAGE_ROWS, limit - rows.length), cursor ?? undefined);
    rows.push(...page.rows);
    cursor = page.cursor;
    first = false;
  }
  return { rows, cursor };
}

/** Every row of a listing, however many pages (an issue's comments, for `show`). */
async function gatheredAll<Row>(
  fetchPage: (limit: number, cursor?: string) => Promise<PageJson<Row>>,
): Promise<Row[]> {
  const rows: Row[] = [];
  let cursor: string | null = null;
  do {
    const page: PageJson<Row> = await fetchPage(PAGE_ROWS, cursor ?? undefined);
    rows.push(...page.rows);
    cursor = page.cursor;
  } while (cursor !== null && rows.length < MAX_ROWS);
  return rows;
}

function limitOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_ROWS;
  const limit = Number(text);
  if (!/^[0-9]{1,4}$/.test(text) || limit < 1 || limit > MAX_ROWS) {
    throw new UsageError(`--limit must be a whole number from 1 to ${MAX_ROWS}, not "${text.slice(0, 32)}"`);
  }
  return limit;
}

/** Input the API would refuse, refused here first, as a usage mistake (exit 2). */
function usageOf<Value>(read: () => Value): Value {
  try {
    return read();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function defaultName(context: Context): string {
  return context.io.env.USER?.trim() || context.io.env.USERNAME?.trim() || 'cli';
}

function authorOf(context: Context): CommentAuthor {
  const type = context.options['author-type'] ?? 'human';
  if (type !== 'human' && type !== 'agent') {
    throw new UsageError(`--author-type must be human or agent, not "${type.slice(0, 32)}"`);
  }
  return { name: context.options.author ?? defaultName(context), type };
}

/** Where a command's data is: a table (local or deployed), read and moved as the API would. */
interface TableTarget extends Target {
  readonly table: Table;
  /** The deployed stack the table belongs to, found when asked for (replay, --stack). */
  readonly deployment?: () => Promise<Deployment>;
}

/** The backend a reading command uses: the API with --api, else a table. */
async function backendFor(context: Context): Promise<Backend> {
  const { options } = context;
  if (options.api) {
    if (options.table || options.stack || options.endpoint) {
      throw new UsageError(
        '--api reads through the API: pass it alone, without --table, --stack or --endpoint',
      );
    }
    const api = new SignedApiClient(options.api, context.io.env);
    aimAt(context, api.where, false);
    return apiBackend(api);
  }
  const target = await tableTargetFor(context);
  return tableBackend(triageServiceFor(target.table), target.where);
}

/** Where the next calls go, for the error line should they fail. */
function aimAt(context: Context, where: string, local: boolean): void {
  context.target.where = where;
  context.target.local = local;
}

/**
 * The table a command reads: the local service's, exactly as `npm start` sets it up; a deployed
 * one with --table (or the table of --stack), through the usual AWS credentials and region.
 */
async function tableTargetFor(context: Context): Promise<TableTarget> {
  const { options, local, io } = context;
  if ((options.table || options.stack) && !options.endpoint) {
    const reference = options.stack ? { stack: options.stack } : { table: String(options.table) };
    let found: Promise<Deployment> | undefined;
    const deployment = (): Promise<Deployment> => {
      found ??= findDeployment(reference);
      return found;
    };
    aimAt(context, `the stack ${options.stack ?? `of table ${options.table}`} in CloudFormation`, false);
    const tableName = options.table ?? outputOf(await deployment(), 'TableName');
    const region = io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? 'the region of your AWS config';
    const where = `table ${tableName} in AWS (${region})`;
    aimAt(context, where, false);
    return {
      table: { client: createDocumentClient({ ...CLI_CLIENT_SETTINGS }, CLI_DEADLINE_MS), tableName },
      where,
      local: false,
      deployment,
    };
  }
  const endpoint = options.endpoint ?? local.dynamoDbEndpoint;
  const tableName = options.table ?? local.tableName;
  aimAt(context, `table ${tableName} at ${endpoint}`, !options.endpoint);
  return {
    table: {
      client: createDocumentClient(
        { endpoint, ...LOCAL_AWS, ...CLI_CLIENT_SETTINGS, maxAttempts: 1 },
        CLI_DEADLINE_MS,
      ),
      tableName,
    },
    where: `table ${tableName} at ${endpoint}`,
    local: !options.endpoint,
  };
}

async function showRejected(
  context: Context,
  queries: SignalQueries,
  id: string,
  target: TableTarget,
): Promise<number> {
  const kept = await queries.unreadableDelivery(id);
  if (!kept)
    throw new CliFailure(
      `No kept delivery "${id.slice(0, 64)}" in ${target.where} (see \`npm run signals -- rejected\`)`,
    );
  const delivery = keptDeliveryFromItem(kept);
  if (typeof delivery === 'string')
    throw new CliFailure(`Kept delivery "${id.slice(0, 64)}" cannot be read: ${delivery}`);
  const body = delivery.body.toString('utf8');
  const data = {
    id,
    receivedAt: delivery.receivedAt.toISOString(),
    reason: String(kept.reason ?? ''),
    size: delivery.body.length,
    keyHeaders: delivery.keyHeaders,
    body,
  };
  say(context, { rejected: data }, () =>
    [
      `Kept delivery ${id}`,
      `  received ${data.receivedAt}, ${data.size} bytes`,
      `  refused: ${data.reason}`,
      ...Object.entries(data.keyHeaders).map(([name, value]) => `  ${name}: ${value}`),
      '',
      'Body:',
      ...body.split('\n'),
    ].join('\n'),
  );
  return 0;
}

/**
 * `replay <id>`: a kept unreadable delivery through the current code — the same intake, with the
 * time it first arrived, and the settings of the service it replays into (the deployed webhook
 * function's own, or the local run's) — answered as a delivery would be. Filed, it is no longer
 * kept; still unreadable, it stays (with the new reason).
 */
async function replay(context: Context, id: string, target: TableTarget): Promise<number> {
  const queries = new SignalQueries(target.table.client, target.table.tableName);
  const kept = await queries.unreadableDelivery(id);
  if (!kept) {
    throw new CliFailure(
      `No kept delivery "${id.slice(0, 64)}" in ${target.where} (see \`npm run signals -- rejected\`)`,
    );
  }
  const delivery = keptDeliveryFromItem(kept);
  if (typeof delivery === 'string')
    throw new CliFailure(`Kept delivery "${id.slice(0, 64)}" cannot be replayed: ${delivery}`);
  let settings: FunctionSettings;
  try {
    aimAt(context, 'the deployed webhook function', false);
    settings = target.deployment
      ? await deployedSettings(await target.deployment())
      : readSettings(context.io.env);
    aimAt(context, target.where, target.local);
  } catch (error) {
    throw new CliFailure(
      `Cannot read the deployed webhook's settings, so cannot file as it would: ${(error as Error).name}: ${(error as Error).message}`,
    );
  }
  const { store, intake } = replayParts(settings, target.table, CLI_DEADLINE_MS);
  let result: Awaited<ReturnType<typeof intake.accept>>;
  try {
    result = await intake.accept(delivery);
  } catch (error) {
    const { statusCode, message } = answerFor(error);
    if (statusCode >= 500) throw error;
    throw new CliFailure(`${statusCode}: ${message}`);
  }
  if (result.status !== 'stored') throw new CliFailure('Storage is unavailable; try again');
  await store.forgetUnreadable(id);
  const [first] = result.stored;
  const status = result.replayed ? 200 : 201;
  const data = JSON.parse(`{${first.answer}}`) as { issue: { number: number; title: string } | null };
  say(context, { status, replayed: result.replayed, data }, () =>
    escapeControls(
      `${status} ${first.filing}: ${data.issue ? `issue #${data.issue.number} "${data.issue.title}"` : 'no open issue'} (signal ${first.signalId}); no longer kept`,
    ),
  );
  return 0;
}

/**
 * `test-delivery`: a delivery of its own (not a repeat of the README's curl: a fresh
 * Idempotency-Key each time), marked as a test — stored as a signal, kept out of triage, so it
 * is safe against production.
 */
async function testDelivery(context: Context): Promise<number> {
  const { options, local, io } = context;
  const url = options.url ?? local.webhookUrl;
  const secret = options.secret ?? existingLocalSecret(io.env)?.value;
  if (!secret) {
    throw new UsageError(
      'No secret: pass --secret, set POSTHOG_WEBHOOK_SECRET, or run `npm start` once to generate one.',
    );
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-PostHog-Secret': secret,
        'Idempotency-Key': `test-delivery-${randomUUID()}`,
      },
      body: TEST_DELIVERY,
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new CliFailure(
      `Cannot reach ${url}: ${(error as Error).message}.${options.url ? '' : ' Is `npm start` running (with the same PORT)?'}`,
    );
  }
  const text = await response.text();
  const body = safeJson(text) as
    | { data?: { signal?: { id?: string }; issue?: unknown }; error?: string }
    | undefined;
  const replayed = response.headers.get('idempotent-replayed') === 'true';
  if (response.ok && body?.data?.signal) {
    say(
      context,
      { status: response.status, replayed, data: body.data },
      () =>
        `${response.status} test delivery stored: signal ${body.data?.signal?.id} (marked as a test: no issue opened, kept out of triage; see npm run signals -- list)`,
    );
    return 0;
  }
  throw new CliFailure(`${response.status}: ${body?.error ?? text.slice(0, 200)}`);
}

/**
 * `webhook-url`: the one place the URL token is printed (docs/http-contract.md "The URL token"):
 * the local service's by default; a deployed stack's with `--stack` (its outputs and its secret),
 * or with `--secret-id` and `--url`.
 */
async function webhookUrl(context: Context): Promise<number> {
  const { options, local, io } = context;
  let base: string;
  let secret: string;
  if (options.stack) {
    aimAt(context, `the stack ${options.stack} in CloudFormation`, false);
    const deployment = await findDeployment({ stack: options.stack });
    base = outputOf(deployment, 'WebhookUrl');
    aimAt(context, 'Secrets Manager', false);
    secret = await secretValue(outputOf(deployment, 'WebhookSecretArn'));
  } else if (options['secret-id']) {
    if (!options.url) throw new UsageError("--secret-id needs --url: the stack's WebhookUrl output");
    base = options.url;
    aimAt(context, 'Secrets Manager', false);
    secret = await secretValue(options['secret-id']);
  } else {
    const found = options.secret ?? existingLocalSecret(io.env)?.value;
    if (!found)
      throw new UsageError('No secret: set POSTHOG_WEBHOOK_SECRET, or run `npm start` once to generate one.');
    base = options.url ?? local.webhookUrl;
    secret = found;
  }
  const url = `${base.replace(/\/+$/, '')}/${urlTokenOf(secret)}`;
  say(context, { url }, () => url);
  return 0;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
