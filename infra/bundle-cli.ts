/**
 * `tsx infra/bundle-cli.ts <outdir>`: what CDK's local bundling runs (see bundling.ts): every
 * function bundled at once, each into `<outdir>/<function>`.
 */
import { join } from 'node:path';
import { bundleFunction, entryOf, FUNCTION_NAMES } from './bundling.ts';

const [outdir] = process.argv.slice(2);
if (!outdir) {
  console.error('Usage: tsx infra/bundle-cli.ts <outdir>');
  process.exit(2);
}
await Promise.all(
  FUNCTION_NAMES.map((name) =>
    bundleFunction(join(import.meta.dirname, '..', entryOf(name)), join(outdir, name)),
  ),
);
