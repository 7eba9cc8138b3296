/** The one route: API Gateway sends only this method and path to the function. */
export const WEBHOOK_ROUTE = { method: 'POST', path: '/api/signals/posthog' } as const;
