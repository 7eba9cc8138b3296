/** `npm run signals -- <command>`: see what arrived. Usage: cli/signals-cli.ts. */
// The SDK's notice about Node.js 20 support would bury the output; it changes nothing here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { runCli } = await import('./signals-cli.ts');

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
