/**
 * `npm start`. Environment first, then the service: both settings are read when the SDK and
 * Powertools modules load. Locally, the one JSON log line per delivery is enough; the EMF metric
 * blobs (for CloudWatch) and the SDK's notice about Node.js 20 support would only bury it.
 */
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { main } = await import('./service.ts');
main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
