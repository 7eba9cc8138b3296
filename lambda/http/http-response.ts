import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { StoredDelivery } from '../storage/signal-store.ts';

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
  const { payload: _payload, ...signal } = records.signal;
  const withPayload = (object: object, key: string, json: string) =>
    `${JSON.stringify(object).slice(0, -1)},"${key}":${json}}`;
  let issue = 'null';
  if (records.issue && payloadJson.issue !== null) {
    const { signalPayload: _signalPayload, ...fields } = records.issue;
    issue = withPayload(fields, 'signalPayload', payloadJson.issue);
  }
  return `"signal":${withPayload(signal, 'payload', payloadJson.signal)},"issue":${issue}`;
}
