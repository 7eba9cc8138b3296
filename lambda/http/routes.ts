/**
 * The webhook's routes: API Gateway sends only these to the function. The token route is for
 * senders that cannot set a header of ours (docs/http-contract.md "The URL token"); API Gateway
 * passes the token as the path parameter `token`.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

/** A function as Lambda invokes it behind the HTTP API: a payload format 2.0 event in, a response out. */
export type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export const WEBHOOK_ROUTE = { method: 'POST', path: '/api/signals/posthog' } as const;
export const WEBHOOK_TOKEN_ROUTE = { method: 'POST', path: '/api/signals/posthog/{token}' } as const;
