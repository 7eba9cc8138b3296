/**
 * How large a request body may be, by route kind: read by the handlers that refuse a larger one
 * (413) and by the OpenAPI document. Apart from the request schemas so that the webhook's bundle,
 * which needs only the number, does not load zod.
 */

/**
 * The largest webhook body read, in bytes after base64 decoding (128 KiB; docs/operations.md
 * "Limits"): far above any alert PostHog sends.
 */
export const MAX_WEBHOOK_BODY_BYTES = 128 * 1024;
/** The largest body the triage API reads, in bytes (64 KiB): a comment is at most 16 KB of Markdown. */
export const MAX_API_BODY_BYTES = 64 * 1024;
