/** `npm run signals -- <command>`: see what arrived, and work with it. Usage: cli/signals-cli.ts. */
// The SDK's notice about Node.js 20 support would bury the output; it changes nothing here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The CLI reads the table as the functions do, but its terminal is for a person, not CloudWatch.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const { runCli } = await import('./signals-cli.ts');

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  ...(process.stdout.isTTY ? { columns: process.stdout.columns } : {}),
});
