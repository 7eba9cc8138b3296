import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { LoopRecords } from '../core/loop-records.ts';

/** A JSON answer; every response of the function goes through here. */
export function jsonResponse(
  statusCode: number,
  jsonBody: string,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { ...headers, 'Content-Type': 'application/json' }, body: jsonBody };
}

/**
 * `{"data": {"signal": …, "issue": …}}` in Loop's shape. The payload goes in as the JSON text it
 * arrived as: re-serialising a deeply nested document would overflow the stack.
 */
export function recordsJson(records: LoopRecords, payloadJson: string): string {
  const { payload: _payload, ...signal } = records.signal;
  const { signalPayload: _signalPayload, ...issue } = records.issue;
  const withPayload = (object: object, key: string) =>
    `${JSON.stringify(object).slice(0, -1)},"${key}":${payloadJson}}`;
  return `{"data":{"signal":${withPayload(signal, 'payload')},"issue":${withPayload(issue, 'signalPayload')}}}`;
}
