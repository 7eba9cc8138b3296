import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** An event's body as the bytes that were sent (base64 when API Gateway says so). */
export function rawBodyOf({ body = '', isBase64Encoded }: APIGatewayProxyEventV2): Buffer {
  return Buffer.from(body, isBase64Encoded ? 'base64' : 'utf8');
}
