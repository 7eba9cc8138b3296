/**
 * `npm run bench`: prints performance figures (not a test). Sections:
 *   bundle    shipped bundle size (bytes, gzip) and module-load time against a plain
 *             esbuild-defaults bundle (CommonJS, minified) of the same handler, in fresh
 *             processes, alternating, medians.
 * Run on an idle machine; numbers from a loaded machine are noise.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildSync } from 'esbuild';
import { stackConfigFrom } from '../infra/config.ts';
import { PosthogSignalsStack } from '../infra/stack.ts';

const LOAD_RUNS = Number(process.env.BENCH_LOAD_RUNS ?? 21);

/** Builds the function exactly as `cdk synth` ships it, and returns the bundle's path. */
function shippedBundle(outdir: string): string {
  const app = new App({ outdir });
  const stack = new PosthogSignalsStack(app, 'Bench', { config: stackConfigFrom(() => undefined) });
  const code = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0]?.Properties
    .Code;
  return join(outdir, `asset.${String(code.S3Key).replace(/\.zip$/, '')}`, 'index.mjs');
}

/** The same handler bundled with esbuild's defaults for Node: CommonJS, main-first, minified. */
function plainBundle(outdir: string): string {
  const outfile = join(outdir, 'plain', 'index.cjs');
  buildSync({
    entryPoints: ['lambda/handler.ts'],
    bundle: true,
    platform: 'node',
    minify: true,
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

/** Milliseconds to import the file in a fresh Node process (what a cold start pays for code). */
function loadTimeMs(file: string): number {
  const script = `const t=performance.now();import(${JSON.stringify(`file://${file}`)}).then(()=>process.stdout.write(String(performance.now()-t)))`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      ...process.env,
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  return Number(output.toString());
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function row(label: string, value: string): void {
  console.log(`| ${label.padEnd(48)} | ${value.padStart(22)} |`);
}

function benchBundle(): void {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-'));
  try {
    const shipped = shippedBundle(outdir);
    const plain = plainBundle(outdir);
    loadTimeMs(shipped);
    loadTimeMs(plain);
    const shippedTimes: number[] = [];
    const plainTimes: number[] = [];
    for (let run = 0; run < LOAD_RUNS; run++) {
      shippedTimes.push(loadTimeMs(shipped));
      plainTimes.push(loadTimeMs(plain));
    }
    const shippedBytes = statSync(shipped).size;
    const plainBytes = statSync(plain).size;
    row('shipped bundle (ESM, SDK inside, minified)', `${shippedBytes} B`);
    row('shipped bundle, gzip', `${gzipSync(readFileSync(shipped)).length} B`);
    row('plain bundle (esbuild defaults: CJS, minified)', `${plainBytes} B`);
    row(`module load, shipped (median of ${LOAD_RUNS})`, `${median(shippedTimes).toFixed(1)} ms`);
    row(`module load, plain (median of ${LOAD_RUNS})`, `${median(plainTimes).toFixed(1)} ms`);
    row('module load ratio shipped / plain', `${(median(shippedTimes) / median(plainTimes)).toFixed(2)}`);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

console.log(`Node ${process.version}, ${process.arch}, ${(await import('node:os')).cpus().length} cores\n`);
console.log(`| ${'measure'.padEnd(48)} | ${'value'.padStart(22)} |`);
console.log(`|${'-'.repeat(50)}|${'-'.repeat(24)}|`);
benchBundle();
