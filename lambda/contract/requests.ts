/**
 * What the triage API accepts, as schemas (zod): the one source for validating every request, for
 * the types the handler works with, for the OpenAPI document (contract/openapi.ts) and for the
 * MCP tools' input schemas; the CLI reads its arguments through them too. Read strictly: an
 * unknown query parameter or body field is a 400 that names it. Every failure is an
 * InvalidRequestError whose message names the parameter and what it accepts. (A webhook's payload
 * is never read here: it is read leniently and stored as sent.)
 */
import { type ZodType, z } from 'zod';
import { InvalidRequestError } from '../core/errors.ts';
import { AUTHOR_TYPES, ISSUE_STATUSES, type IssueStatus, type Move } from '../core/loop-records.ts';
import { PRIORITIES, type Priority } from '../core/severity.ts';

/** The most rows one page of a listing holds. */
export const MAX_PAGE_SIZE = 100;
/** Rows per page when the caller does not say. */
export const DEFAULT_PAGE_SIZE = 20;
/** The longest comment (and move reason), in bytes of UTF-8: Markdown, 16 KB. */
export const MAX_COMMENT_BYTES = 16_384;
/** The longest name of an author or an agent. */
export const MAX_NAME_LENGTH = 128;

const STATUS_WORDS = ISSUE_STATUSES.join(', ');
const PRIORITY_WORDS = `${PRIORITIES.slice(0, -1).join(', ')} or ${PRIORITIES.at(-1)}`;

/** An issue status, the message naming `field`. */
export function statusSchema(field: string) {
  return z.enum(ISSUE_STATUSES, { error: `${field} must be one of ${STATUS_WORDS}` });
}

/** A priority, 1 (most urgent) to 4, the message naming `field`. */
export function prioritySchema(field: string) {
  return z.union(
    PRIORITIES.map((priority) => z.literal(priority)),
    { error: `${field} must be ${PRIORITY_WORDS}` },
  ) as unknown as ZodType<Priority>;
}

/** A page size in a query string: a whole number from 1 to MAX_PAGE_SIZE. */
const pageSize = z
  .string()
  .regex(/^[0-9]{1,3}$/, { error: `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
  .transform(Number)
  .refine((limit) => limit >= 1 && limit <= MAX_PAGE_SIZE, {
    error: `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`,
  })
  .describe(`Rows on this page, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`);

/** An opaque cursor, as a previous page handed it out. */
const cursor = z
  .string({ error: 'cursor must be the cursor a previous page handed out' })
  .max(2_048, { error: 'cursor is not one this service handed out' })
  .describe('The cursor the previous page handed out; absent for the first page');

/** `?limit=&cursor=`: the query of every listing. */
export const PAGE_QUERY = z.strictObject({ limit: pageSize.optional(), cursor: cursor.optional() });

/** `GET /api/issues?status=&limit=&cursor=`. */
export const ISSUE_LIST_QUERY = PAGE_QUERY.extend({
  status: statusSchema('status').optional().describe('The status to list (default triage)'),
});

/** Markdown text of a comment or a reason, at most MAX_COMMENT_BYTES. */
function markdown(field: string) {
  return z
    .string({ error: `${field} must be text` })
    .refine((text) => text.trim() !== '', { error: `${field} must not be empty` })
    .refine((text) => Buffer.byteLength(text) <= MAX_COMMENT_BYTES, {
      error: `${field} must be at most ${MAX_COMMENT_BYTES} bytes (16 KB) of Markdown`,
    });
}

/** A name of a person or an agent: 1 to MAX_NAME_LENGTH characters, trimmed. */
function name(field: string) {
  return z
    .string({ error: `${field} must be text` })
    .trim()
    .min(1, { error: `${field} must not be empty` })
    .max(MAX_NAME_LENGTH, { error: `${field} must be at most ${MAX_NAME_LENGTH} characters` });
}

/** Who writes a comment. */
export const AUTHOR = z
  .strictObject({
    name: name('author.name').describe('Who writes: a person or an agent, by name'),
    type: z.enum(AUTHOR_TYPES, { error: `author.type must be one of ${AUTHOR_TYPES.join(', ')}` }),
  })
  .describe('Who writes it');

/** `POST /api/issues/{issue}/comments`. */
export const COMMENT_BODY = z.strictObject({
  body: markdown('body').describe(`The note, Markdown, at most ${MAX_COMMENT_BYTES} bytes`),
  author: AUTHOR,
});

/** `PATCH /api/issues/{issue}`: a new status (with the status the caller saw) and/or a priority, and why. */
export const MOVE_BODY = z
  .strictObject({
    status: statusSchema('status').optional().describe('The status to move it to'),
    fromStatus: statusSchema('fromStatus')
      .optional()
      .describe(
        'The status the caller saw: required with status; whenever given, the move is refused (409) if the issue is no longer in it',
      ),
    priority: prioritySchema('priority').optional().describe('The priority to give it, 1 (most urgent) to 4'),
    reason: z
      .strictObject({ body: markdown('reason.body'), author: AUTHOR })
      .optional()
      .describe('Why: kept as a comment, written with the move'),
  })
  .refine((move) => move.status !== undefined || move.priority !== undefined, {
    error: 'Expected status (with fromStatus) or priority',
  })
  .refine((move) => move.status === undefined || move.fromStatus !== undefined, {
    error: 'fromStatus (the status you saw) is required with status',
  })
  // The two refinements, as JSON Schema says them (for the OpenAPI document and MCP clients).
  .meta({
    anyOf: [{ required: ['status'] }, { required: ['priority'] }],
    dependentRequired: { status: ['fromStatus'] },
  });

/** `POST /api/dispatch/next`. */
export const CLAIM_BODY = z.strictObject({
  agent: name('agent').describe('Who claims the issue: the agent (or person), by name'),
});

/** The parameters of a path: an issue by number or id, a signal by id. */
export const ISSUE_PATH = z.strictObject({ issue: z.string().describe('An issue number, or an issue id') });
export const SIGNAL_PATH = z.strictObject({ signal: z.string().describe('A signal id') });

/** What each schema reads, by where it stands: the words an unknown key is refused with. */
type Place = 'query' | 'body';

/**
 * Reads `input` with `schema`; throws InvalidRequestError with the first thing wrong: an unknown
 * query parameter or field (named, with those expected), else the schema's own message.
 */
export function parseRequest<Schema extends ZodType>(
  schema: Schema,
  input: unknown,
  place: Place,
): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  const field = issue?.path.join('.') ?? '';
  if (issue?.code === 'unrecognized_keys') {
    const [key = ''] = issue.keys;
    const known = knownKeys(schemaAt(schema, issue.path));
    const name = [...issue.path.map(String), key.slice(0, 64)].join('.');
    throw new InvalidRequestError(
      `Unknown ${place === 'query' ? 'query parameter' : 'field'} ${JSON.stringify(name)}: expected ${known.join(', ') || 'none'}`,
    );
  }
  if (issue?.code === 'invalid_type' && issue.path.length === 0) {
    throw new InvalidRequestError('Request body must be a JSON object');
  }
  if (issue?.code === 'invalid_type' && issue.input === undefined) {
    throw new InvalidRequestError(`${field} is missing`);
  }
  if (issue?.code === 'invalid_type' && !issue.message.includes(' must ')) {
    // A field zod found of another type, which no message of ours names.
    throw new InvalidRequestError(
      `${field} must be ${issue.expected === 'object' ? 'an object' : `a ${issue.expected}`}`,
    );
  }
  throw new InvalidRequestError(issue?.message ?? 'Invalid request');
}

/** The schema of the object at `path` inside `schema` (through optional and refined wrappers). */
function schemaAt(schema: ZodType, path: readonly PropertyKey[]): ZodType {
  let at = schema;
  for (const key of path) {
    const next = shapeOf(at)?.[String(key)];
    if (!next) return at;
    at = next;
  }
  return at;
}

/** The fields of an object schema, unwrapping optional, nullable and refined ones. */
function shapeOf(schema: ZodType): Record<string, ZodType> | undefined {
  const def = (schema as { def?: { shape?: Record<string, ZodType>; in?: ZodType; innerType?: ZodType } })
    .def;
  if (def?.shape) return def.shape;
  const inner = def?.innerType ?? def?.in;
  return inner ? shapeOf(inner) : undefined;
}

/** The keys an object schema (or a wrapped one) knows, in order. */
function knownKeys(schema: ZodType): string[] {
  return Object.keys(shapeOf(schema) ?? {});
}

/** A move as the triage action takes it. */
export function moveOf(body: z.output<typeof MOVE_BODY>): Move {
  return {
    ...(body.status !== undefined ? { status: body.status } : {}),
    ...(body.fromStatus !== undefined ? { fromStatus: body.fromStatus } : {}),
    ...(body.priority !== undefined ? { priority: body.priority } : {}),
    ...(body.reason ? { reason: body.reason } : {}),
  };
}

/** The status `value` names (the CLI's arguments), or InvalidRequestError naming `field`. */
export function issueStatusOf(value: unknown, field = 'status'): IssueStatus {
  return parseWith(statusSchema(field), value);
}

/** The priority `value` names, 1 to 4 (the CLI's arguments), or InvalidRequestError naming `field`. */
export function priorityOf(value: unknown, field = 'priority'): Priority {
  return parseWith(prioritySchema(field), value);
}

function parseWith<Value>(schema: ZodType<Value>, value: unknown): Value {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidRequestError(result.error.issues[0]?.message ?? 'Invalid value');
  return result.data;
}

/**
 * What each route of the triage API reads — its path parameters, its query, its JSON body — by
 * route (contract/routes.ts): the handler validates with these, and the OpenAPI document and the
 * MCP tools are written from them.
 */
export const ROUTE_INPUTS = {
  listIssues: { query: ISSUE_LIST_QUERY },
  getIssue: { path: ISSUE_PATH, query: z.strictObject({}) },
  moveIssue: { path: ISSUE_PATH, query: z.strictObject({}), body: MOVE_BODY },
  listComments: { path: ISSUE_PATH, query: PAGE_QUERY },
  addComment: { path: ISSUE_PATH, query: z.strictObject({}), body: COMMENT_BODY },
  listSignals: { query: PAGE_QUERY },
  getSignal: { path: SIGNAL_PATH, query: z.strictObject({}) },
  claimNext: { query: z.strictObject({}), body: CLAIM_BODY },
  dispatchQueue: { query: PAGE_QUERY },
  openApi: { query: z.strictObject({}) },
} as const satisfies Record<string, { path?: ZodType; query: ZodType; body?: ZodType }>;
