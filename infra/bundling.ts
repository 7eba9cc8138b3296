import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { type BuildOptions, build, type Plugin } from 'esbuild';

/** The functions of the stack: each has its folder under lambda/functions/, with its entry module. */
export const FUNCTION_NAMES = ['webhook', 'drain', 'triage-api', 'board', 'board-action'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** A function's entry module, from the project's root: `lambda/functions/<name>/entry.ts`. */
export function entryOf(name: FunctionName): string {
  return `lambda/functions/${name}/entry.ts`;
}

/** The module Lambda loads. */
export const HANDLER_FILE = 'index.mjs';
/** The function's handler setting: `handler`, exported by HANDLER_FILE. */
export const LAMBDA_HANDLER = 'index.handler';
/** The function's code, loaded by HANDLER_FILE. */
const MAIN_FILE = 'main.cjs';

/**
 * What Lambda loads: a few lines of ESM that require() the CommonJS main file and await its
 * `warmUp()`, where it has one (an ES module may await at the top; a CommonJS one cannot). Init
 * thus does the waiting — the secret fetch and the first connections — before the first request.
 */
const HANDLER_MODULE = `import { createRequire } from 'node:module';
const main = createRequire(import.meta.url)('./${MAIN_FILE}');
await main.warmUp?.();
export const handler = main.handler;
`;

const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const COMMON: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  // The ESM builds of the SDK: smaller after tree shaking than the CommonJS ones.
  mainFields: ['module', 'main'],
  minify: true,
  // Class and function names survive minification, so a logged error or stack says what it was.
  keepNames: true,
  logLevel: 'warning',
  absWorkingDir: PROJECT_ROOT,
};

/**
 * Bundles one function for the fastest cold start, measured on Node 24 (`npm run bench`):
 *
 * - `main.cjs`: everything a delivery needs, as one minified CommonJS file with the AWS SDK
 *   inside. Node 24 loads CommonJS faster than ESM (cheaper compile; a built-in `require()`d
 *   does not build an ESM facade that reads every export, lazy getters included). `index.mjs`,
 *   which Lambda loads, requires it and awaits its `warmUp()` (see HANDLER_MODULE).
 * - `lazy/*.mjs`: every module reached only through a dynamic `import()` — the SQS client of the
 *   durable-intake fallback, the SDK's credential providers for environments without credentials
 *   in the environment (not Lambda), event streams — as ESM chunks loaded on first use. A cold
 *   delivery never parses them. Their shared code is split among them, not with `index.js`.
 *
 * No source maps (`sourceMap` is for the bench): under `--enable-source-maps` the main file loads
 * about a third slower (`npm run bench`); names are kept, so stack frames still say which
 * function failed.
 */
export async function bundleFunction(
  entry: string,
  outdir: string,
  { sourceMap = false }: { readonly sourceMap?: boolean } = {},
): Promise<void> {
  const lazy = new Map<string, string>();
  await build({
    ...COMMON,
    sourcemap: sourceMap,
    entryPoints: [entry],
    outfile: join(outdir, MAIN_FILE),
    format: 'cjs',
    plugins: [lazyDynamicImports(lazy)],
  });
  writeFileSync(join(outdir, HANDLER_FILE), HANDLER_MODULE);
  if (lazy.size === 0) return;
  await build({
    ...COMMON,
    // In a fixed order: the chunks, and so the asset's hash, are the same every synth.
    entryPoints: Object.fromEntries([...lazy].sort(([a], [b]) => a.localeCompare(b))),
    outdir: join(outdir, 'lazy'),
    format: 'esm',
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    // CommonJS inside these ESM chunks may require() Node built-ins.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
}

/** Keeps each module that is only imported dynamically out of the main file (see bundleFunction). */
function lazyDynamicImports(lazy: Map<string, string>): Plugin {
  return {
    name: 'lazy-dynamic-imports',
    setup(bundle) {
      bundle.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData === 'resolving' || isBuiltin(args.path))
          return undefined;
        const resolved = await bundle.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: 'resolving',
        });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        const name = moduleName(args.path, resolved.path);
        lazy.set(name, resolved.path);
        return { path: `./lazy/${name}.mjs`, external: true };
      });
    },
  };
}

/** A file name for a lazily loaded module: its package path, or its path inside the project. */
function moduleName(specifier: string, resolvedPath: string): string {
  const readable = specifier.startsWith('.') ? relative(PROJECT_ROOT, resolvedPath) : specifier;
  return readable
    .replace(/^.*node_modules\//, '')
    .replace(/\.[cm]?[jt]s$/, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * The Lambda code of one function, bundled by bundleFunction at synth time with the esbuild in
 * node_modules (never Docker). CDK's local bundling must be synchronous and esbuild plugins are
 * not, so a child process (`infra/bundle-cli.ts`) bundles; it bundles every function at once, the
 * first time one is asked for, and each asset copies its own. The asset is named by its output.
 */
export function functionCode(name: FunctionName): Code {
  return Code.fromAsset(join(PROJECT_ROOT, 'lambda'), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the API, never pulled: local bundling always succeeds or throws.
      image: DockerImage.fromRegistry('local-bundling-only'),
      // Part of the asset's cache key, so that each function gets its own bundle.
      command: ['infra/bundle-cli.ts', name],
      local: {
        tryBundle(outputDir) {
          cpSync(join(everyFunctionBundled(), name), outputDir, { recursive: true });
          return true;
        },
      },
    },
  });
}

let bundledRoot: string | undefined;

/** A folder holding every function's bundle, one folder each, built once per process. */
function everyFunctionBundled(): string {
  if (bundledRoot) return bundledRoot;
  const root = mkdtempSync(join(tmpdir(), 'loop-bundles-'));
  process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  execFileSync(process.execPath, [tsx, join(PROJECT_ROOT, 'infra/bundle-cli.ts'), root], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  bundledRoot = root;
  return root;
}
