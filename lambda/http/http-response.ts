import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { StoredDelivery } from '../intake/ports.ts';
import type { StoredIssueDetail } from '../storage/read-model.ts';

/** A JSON answer; every response of the function goes through here. */
export function jsonResponse(
  statusCode: number,
  jsonBody: string,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { ...headers, 'Content-Type': 'application/json' }, body: jsonBody };
}

/**
 * `{"data": {"signal": …, "issue": …}}` in Loop's shape (`issue` null for a resolution with no open
 * issue); a body that reported several alerts adds `"alerts": [{"signal", "issue"}, …]`, one per
 * alert, the first being `signal` and `issue`. Payloads go in as the JSON text they arrived as:
 * re-serialising a deeply nested document would overflow the stack.
 */
export function recordsJson(stored: readonly StoredDelivery[]): string {
  const [first, ...more] = stored.map(pairJson);
  const alerts =
    more.length > 0 ? `,"alerts":[${[first, ...more].map((pair) => `{${pair}}`).join(',')}]` : '';
  return `{"data":{${first}${alerts}}}`;
}

function pairJson({ records, payloadJson }: StoredDelivery): string {
  const issue =
    records.issue && payloadJson.issue !== null ? issueJson(records.issue, payloadJson.issue) : 'null';
  return `"signal":${signalJson(records.signal, payloadJson.signal)},"issue":${issue}`;
}

/**
 * `{"issue": …, "signals": […]}`, an issue with its signals as the read API answers it, payloads
 * spliced in as the JSON text they are stored as (never serialised again: see recordsJson).
 */
export function detailJson({ issue, signals, payloadJson }: StoredIssueDetail): string {
  const issueText = issue && payloadJson.issue !== null ? issueJson(issue, payloadJson.issue) : 'null';
  const signalTexts = signals.map((signal, index) =>
    signalJson(signal, payloadJson.signals[index] ?? 'null'),
  );
  return `{"issue":${issueText},"signals":[${signalTexts.join(',')}]}`;
}

function signalJson(signal: StoredDelivery['records']['signal'], payload: string): string {
  const { payload: _payload, ...fields } = signal;
  return withJsonField(fields, 'payload', payload);
}

function issueJson(issue: NonNullable<StoredDelivery['records']['issue']>, signalPayload: string): string {
  const { signalPayload: _signalPayload, ...fields } = issue;
  return withJsonField(fields, 'signalPayload', signalPayload);
}

/** An object's JSON with one more field whose value is already JSON text. */
function withJsonField(object: object, key: string, json: string): string {
  return `${JSON.stringify(object).slice(0, -1)},"${key}":${json}}`;
}
