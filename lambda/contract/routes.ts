/**
 * Every route of the HTTP API, in one table: the stack (infra/constructs/http-api.ts) adds each
 * to API Gateway for the function named and with the authorization named, the local run serves
 * the same table, the triage API routes by it and the CLI builds its paths from it.
 *
 * - `secret`: open at API Gateway; the function checks the webhook secret itself (PostHog cannot
 *   sign with IAM). The token route is for senders that cannot set a header of ours
 *   (docs/http-contract.md "The URL token"); API Gateway passes the token as the path parameter
 *   `token`.
 * - `iam`: API Gateway lets through only SigV4-signed requests of identities allowed to invoke
 *   the route (docs/http-contract.md "Read and triage API"); the local run serves them on
 *   127.0.0.1 without.
 */
export const ROUTES = {
  webhook: { method: 'POST', path: '/api/signals/posthog', function: 'webhook', auth: 'secret' },
  webhookToken: { method: 'POST', path: '/api/signals/posthog/{token}', function: 'webhook', auth: 'secret' },
  listIssues: { method: 'GET', path: '/api/issues', function: 'triage-api', auth: 'iam' },
  getIssue: { method: 'GET', path: '/api/issues/{issue}', function: 'triage-api', auth: 'iam' },
  moveIssue: { method: 'PATCH', path: '/api/issues/{issue}', function: 'triage-api', auth: 'iam' },
  listComments: { method: 'GET', path: '/api/issues/{issue}/comments', function: 'triage-api', auth: 'iam' },
  addComment: { method: 'POST', path: '/api/issues/{issue}/comments', function: 'triage-api', auth: 'iam' },
  listSignals: { method: 'GET', path: '/api/signals', function: 'triage-api', auth: 'iam' },
  getSignal: { method: 'GET', path: '/api/signals/{signal}', function: 'triage-api', auth: 'iam' },
  claimNext: { method: 'POST', path: '/api/dispatch/next', function: 'triage-api', auth: 'iam' },
  dispatchQueue: { method: 'GET', path: '/api/dispatch/queue', function: 'triage-api', auth: 'iam' },
  openApi: { method: 'GET', path: '/api/openapi.json', function: 'triage-api', auth: 'iam' },
} as const;

export type RouteName = keyof typeof ROUTES;
export type Route = (typeof ROUTES)[RouteName];
/** The functions behind the HTTP API. */
export type RouteFunction = Route['function'];

/** The routes one function serves. */
export function routesOf<Function extends RouteFunction>(
  served: Function,
): Extract<Route, { function: Function }>[] {
  return Object.values(ROUTES).filter(
    (route): route is Extract<Route, { function: Function }> => route.function === served,
  );
}

/** A route's path with its parameters filled in (each encoded as one path segment). */
export function pathOf(route: Route, parameters: Readonly<Record<string, string>> = {}): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(parameters[name] ?? ''));
}
