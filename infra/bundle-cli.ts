/** `tsx infra/bundle-cli.ts <function> <outdir>`: what CDK's local bundling runs (see bundling.ts). */
import { join } from 'node:path';
import { bundleFunction, entryOf, FUNCTION_NAMES, type FunctionName } from './bundling.ts';

const [name, outdir] = process.argv.slice(2);
if (!name || !outdir || !(FUNCTION_NAMES as readonly string[]).includes(name)) {
  console.error(`Usage: tsx infra/bundle-cli.ts <${FUNCTION_NAMES.join('|')}> <outdir>`);
  process.exit(2);
}
await bundleFunction(join(import.meta.dirname, '..', entryOf(name as FunctionName)), outdir);
