/**
 * What `npm start` prints while it runs: one short line per request and one per event, for a
 * person watching the terminal (`--json-logs` keeps the functions' structured lines instead, as
 * CloudWatch gets them). Every line is escaped (lambda/core/visible-text.ts): titles come from outside.
 */

import { escapeControls } from '../lambda/core/visible-text.ts';
import type { PipeEvent } from '../lambda/events/issue-event-pipe.ts';
import type { AnsweredRequest } from './http-server.ts';

/** What became of a delivery, by the webhook's status. */
const DELIVERY_OUTCOMES: Readonly<Record<number, string>> = {
  200: 'repeat',
  201: 'created',
  202: 'queued',
  401: 'unauthorized',
};

interface AnswerBody {
  readonly data?: {
    readonly issue?: IssueFields | null;
    readonly signal?: { readonly id?: unknown; readonly test?: unknown };
  };
  readonly error?: unknown;
}
interface IssueFields {
  readonly number?: unknown;
  readonly priority?: unknown;
  readonly status?: unknown;
  readonly title?: unknown;
}

/**
 * `POST /api/signals/posthog  201  14 ms  created  #3 P2 triage "PostHog: …"`: method, route (the
 * path template, never the path: the token route's holds a secret), status, time, what became of
 * a delivery, and the issue — or the refusal's message.
 */
export function requestLine(answer: AnsweredRequest): string {
  const parts = [
    `${answer.method} ${answer.route ?? '(no route)'}`,
    String(answer.status),
    `${answer.ms} ms`,
  ];
  const body = parsed(answer.body);
  if (answer.functionName === 'webhook') {
    parts.push(DELIVERY_OUTCOMES[answer.status] ?? (answer.status < 500 ? 'refused' : 'failed'));
  }
  const issue = body?.data?.issue;
  if (issue) parts.push(issueText(issue));
  else if (body?.data?.signal?.test === true) parts.push('test signal, no issue');
  if (typeof body?.error === 'string') parts.push(body.error);
  return escapeControls(parts.join('  '));
}

/** `event  Issue Opened  #12 P1 triage "PostHog: …"`: what the stack would publish to EventBridge. */
export function eventLine(event: PipeEvent): string {
  const detail = event.detail as IssueFields & { readonly fromStatus?: unknown };
  const parts = ['event', event.detailType];
  if (detail.number !== '' && detail.number !== undefined) parts.push(issueText(detail));
  if (typeof detail.fromStatus === 'string' && detail.fromStatus !== '')
    parts.push(`from ${detail.fromStatus}`);
  return escapeControls(parts.join('  '));
}

function issueText({ number, priority, status, title }: IssueFields): string {
  return [
    `#${String(number)}`,
    `P${String(priority)}`,
    String(status ?? ''),
    JSON.stringify(String(title ?? '')),
  ]
    .filter((part) => part !== '')
    .join(' ');
}

function parsed(text: string): AnswerBody | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null ? (value as AnswerBody) : undefined;
  } catch {
    return undefined;
  }
}
