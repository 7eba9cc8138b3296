import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * How the function is bundled, for the fastest cold start: one minified ESM file that contains
 * the AWS SDK (externalModules: [] — loading it from one bundle beats resolving it from
 * node_modules at run time, and pins the SDK version the tests ran), module-first resolution for
 * the SDK's ESM builds, no source maps. Bundled by the locally installed esbuild, never Docker.
 */
export const FUNCTION_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: 'node24',
  mainFields: ['module', 'main'],
  minify: true,
  // Error and class names survive minification, so a logged error says what it was.
  keepNames: true,
  sourceMap: false,
  externalModules: [],
  // Parts of the SDK still call require() for Node built-ins; ESM has no require without this.
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  forceDockerBundling: false,
};
