import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { StoredDelivery } from '../intake/ports.ts';

/** A JSON answer; every response of the function goes through here. */
export function jsonResponse(
  statusCode: number,
  jsonBody: string,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { ...headers, 'Content-Type': 'application/json' }, body: jsonBody };
}

/**
 * `{"data": {"signal": …, "issue": …}}` in their shapes (`issue` null for a signal with no issue):
 * each filed signal's answer as the store gave it (for a repeat, the first answer's very bytes);
 * a body that reported several alerts adds `"alerts": [{"signal", "issue"}, …]`, one per alert,
 * the first being `signal` and `issue`.
 */
export function recordsJson(stored: readonly StoredDelivery[]): string {
  const [first, ...more] = stored.map(({ answer }) => answer);
  const alerts =
    more.length > 0 ? `,"alerts":[${[first, ...more].map((pair) => `{${pair}}`).join(',')}]` : '';
  return `{"data":{${first}${alerts}}}`;
}
