/**
 * `npm start`. Environment first, then the service: these settings are read when the SDK and
 * Powertools modules load. Locally the terminal is for a person: one short line per request and
 * per event (local/terminal-log.ts) instead of the functions' JSON lines, unless `--json-logs`;
 * the EMF metric blobs (for CloudWatch) and the SDK's notice about Node.js 20 support would only
 * bury them.
 */
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
if (!process.argv.includes('--json-logs')) process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

const { main } = await import('./service.ts');
main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
