/**
 * The read and triage API's routes (docs/http-contract.md "Read and triage API"): on the same
 * HTTP API as the webhook, authorized with IAM (SigV4) in the stack; the local run serves them on
 * 127.0.0.1 without. The function behind them is lambda/api-handler.ts.
 */
export const API_ROUTES = {
  listIssues: { method: 'GET', path: '/api/issues' },
  getIssue: { method: 'GET', path: '/api/issues/{issue}' },
  moveIssue: { method: 'PATCH', path: '/api/issues/{issue}' },
  listSignals: { method: 'GET', path: '/api/signals' },
} as const;
