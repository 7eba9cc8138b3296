/** `tsx infra/bundle-cli.ts <function> <outdir>`: what CDK's local bundling runs (see bundling.ts). */
import { join } from 'node:path';
import { bundleFunction, FUNCTION_ENTRIES, type FunctionName } from './bundling.ts';

const [name, outdir] = process.argv.slice(2);
if (!name || !outdir || !(name in FUNCTION_ENTRIES)) {
  console.error(`Usage: tsx infra/bundle-cli.ts <${Object.keys(FUNCTION_ENTRIES).join('|')}> <outdir>`);
  process.exit(2);
}
await bundleFunction(join(import.meta.dirname, '..', FUNCTION_ENTRIES[name as FunctionName]), outdir);
