/**
 * The webhook's routes: API Gateway sends only these to the function. The token route is for
 * senders that cannot set a header of ours (docs/http-contract.md "The URL token"); API Gateway
 * passes the token as the path parameter `token`.
 */
export const WEBHOOK_ROUTE = { method: 'POST', path: '/api/signals/posthog' } as const;
export const WEBHOOK_TOKEN_ROUTE = { method: 'POST', path: '/api/signals/posthog/{token}' } as const;
