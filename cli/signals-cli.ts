/**
 * `npm run signals -- <command>`: what arrived, and what to do with it, against the local service
 * (the same PORT, DYNAMODB_PORT and TABLE_NAME as `npm start`), a deployed table (`--table`, or
 * `--stack`) or a deployed stack's API (`--api`). This file reads the arguments, prints help, and
 * runs the command (commands.ts) with what it asks for; every line printed passes through
 * escapeControls (lambda/core/visible-text.ts): stored text can never drive the terminal.
 */
import { parseArgs } from 'node:util';
import { escapeControls } from '../lambda/core/visible-text.ts';
import { localSettings } from '../local/settings.ts';
import { explain, UsageError } from './cli-errors.ts';
import { type CliIo, COMMANDS, type CommandName, type Context, type Options } from './commands.ts';

/** Every option, and what it takes; each command says which it uses. */
const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  table: { type: 'string' },
  stack: { type: 'string' },
  api: { type: 'string' },
  endpoint: { type: 'string' },
  status: { type: 'string' },
  priority: { type: 'string' },
  reason: { type: 'string' },
  author: { type: 'string' },
  'author-type': { type: 'string' },
  agent: { type: 'string' },
  url: { type: 'string' },
  secret: { type: 'string' },
  'secret-id': { type: 'string' },
} as const;

/** What each option means, for the usage. */
const OPTION_HELP: Readonly<Record<keyof typeof OPTIONS, string>> = {
  json: "print JSON (the API's shapes) instead of text",
  help: 'print this help (also: npm run signals -- help <command>)',
  limit: 'rows at most, following pages (default 20, at most 1000)',
  cursor: 'continue a listing where an earlier one said more remain',
  table: 'a deployed table (AWS credentials and region from the environment)',
  stack: 'a deployed stack, by name: its table (and, for webhook-url, its URL and secret)',
  api: "a deployed stack's triage API (its ApiBaseUrl output), signed with your AWS credentials",
  endpoint: 'a DynamoDB endpoint (default: the local service, 127.0.0.1:$DYNAMODB_PORT)',
  status: 'the status to list: triage, backlog, todo, in_progress, done, canceled',
  priority: 'the priority to give: 1 (most urgent) to 4',
  reason: 'why: kept as a comment on the issue, written with the move',
  author: 'who writes (default: $USER)',
  'author-type': 'human (default) or agent',
  agent: 'who claims (default: $USER)',
  url: "the webhook URL (default: the local service's; a deployment's WebhookUrl output)",
  secret: 'the webhook secret (default: $POSTHOG_WEBHOOK_SECRET or .data/posthog-webhook-secret)',
  'secret-id': 'a Secrets Manager secret holding the webhook secret (with --url)',
};

/** The usage of every command, or of one. */
export function usage(command?: CommandName): string {
  if (command) {
    const { synopsis, summary, options } = COMMANDS[command];
    return [
      `Usage: npm run signals -- ${command}${synopsis ? ` ${synopsis}` : ''} [options]`,
      '',
      `  ${summary}`,
      '',
      'Options:',
      ...[...options, 'json', 'help'].map(
        (option) => `  --${option.padEnd(16)} ${OPTION_HELP[option as keyof typeof OPTIONS]}`,
      ),
    ].join('\n');
  }
  const names = Object.keys(COMMANDS) as CommandName[];
  return [
    'Usage: npm run signals -- <command> [options]',
    '',
    'Commands:',
    ...names.map((name) => {
      const { synopsis, summary } = COMMANDS[name];
      return `  ${`${name} ${synopsis}`.trim().padEnd(34)} ${summary}`;
    }),
    '',
    'Where: the local service by default (as npm start runs it: PORT, DYNAMODB_PORT, TABLE_NAME);',
    'a deployed one with --table <TableName>, --stack <stack name> or --api <ApiBaseUrl>.',
    '',
    'Every command takes --json, and --help for its own options. Exit codes: 0 done, 1 failed,',
    '2 used wrongly.',
  ].join('\n');
}

/** Runs the CLI; returns the exit code (0 done, 1 failed, 2 used wrongly). */
export async function runCli(args: string[], terminal: CliIo): Promise<number> {
  const io: CliIo = {
    ...terminal,
    out: (text) => terminal.out(safeLines(text)),
    err: (text) => terminal.err(safeLines(text)),
  };
  let parsed: { name: CommandName | undefined; rest: string[]; options: Options };
  try {
    parsed = parse(args);
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${usage()}`);
    return 2;
  }
  const { name, rest, options } = parsed;
  if (!name) {
    io.out(usage());
    return 0;
  }
  if (options.help) {
    io.out(usage(name));
    return 0;
  }
  const command = COMMANDS[name];
  let context: Context;
  try {
    if (rest.length < command.minArguments || rest.length > command.maxArguments) {
      throw new UsageError(
        `${name} takes ${command.synopsis || 'no arguments'}; got ${rest.length === 0 ? 'none' : rest.map((arg) => JSON.stringify(arg)).join(' ')}`,
      );
    }
    const unused = (Object.keys(options) as (keyof Options)[]).filter(
      (option) =>
        option !== 'json' && option !== 'help' && !(command.options as readonly string[]).includes(option),
    );
    if (unused.length > 0) throw new UsageError(`${name} does not take --${unused[0]}`);
    context = {
      io,
      rest,
      options,
      local: localSettings(io.env),
      now: io.now?.() ?? new Date(),
      width: widthOf(io),
      target: { where: 'the local service', local: true },
    };
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${usage(name)}`);
    return 2;
  }
  try {
    return await command.run(context);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${usage(name)}`);
      return 2;
    }
    // One line, whatever the failure quotes: a line break in it is escaped, never printed.
    terminal.err(escapeControls(explain(error, context.target)));
    return 1;
  }
}

function parse(args: string[]): { name: CommandName | undefined; rest: string[]; options: Options } {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: OPTIONS, strict: true });
  let [name, ...rest] = positionals;
  // `help`, `help <command>`.
  if (name === 'help') {
    if (rest.length > 1) throw new UsageError(`help takes at most one command; got ${rest.length}`);
    [name, ...rest] = rest;
    values.help = name !== undefined;
  }
  if (name !== undefined && !Object.hasOwn(COMMANDS, name)) {
    throw new UsageError(`Unknown command "${name.slice(0, 64)}"`);
  }
  return { name: name as CommandName | undefined, rest, options: values as Options };
}

/** The width tables fit: `COLUMNS`, else the terminal's; undefined (no limit) when neither. */
function widthOf(io: CliIo): number | undefined {
  const columns = Number(io.env.COLUMNS);
  if (Number.isInteger(columns) && columns > 0) return columns;
  return io.columns;
}

/**
 * Text for the terminal: each line with its control characters escaped. Line breaks between
 * lines stay; one inside a stored value (a title, an id) is a single table cell or field, already
 * escaped where the line was built, so it can never start a line of its own.
 */
function safeLines(text: string): string {
  return text.split('\n').map(escapeControls).join('\n');
}
