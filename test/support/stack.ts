import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { stackConfigFrom } from '../../infra/config.ts';
import { PosthogSignalsStack } from '../../infra/stack.ts';
import { PROJECT_ROOT } from './fixtures.ts';

/** The context `cdk synth` reads from cdk.json (feature flags and defaults), so tests see the deployed template. */
export const CDK_JSON_CONTEXT = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8'))
  .context as Record<string, unknown>;

/**
 * Synthesizes the stack with cdk.json's context plus the given one, without bundling (esbuild)
 * unless asked, and without CDK's built-in CloudFormation validation (two seconds a synth; the
 * bundle test's real `cdk synth` runs it, and cfn-lint before a change lands).
 */
export function synthStack(
  context: Record<string, unknown> = {},
  { bundle = false, outdir }: { bundle?: boolean; outdir?: string } = {},
) {
  const app = new App({
    builtinCloudFormationValidation: false,
    context: { ...CDK_JSON_CONTEXT, ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }), ...context },
    ...(outdir ? { outdir } : {}),
  });
  const stack = new PosthogSignalsStack(app, 'TestStack', {
    config: stackConfigFrom((key) => app.node.tryGetContext(key)),
  });
  return { app, stack, template: Template.fromStack(stack) };
}
