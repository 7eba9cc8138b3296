import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { stackConfigFrom } from '../../infra/config.ts';
import { PosthogSignalsStack } from '../../infra/stack.ts';

/** Synthesizes the stack with the given context, without bundling (esbuild) unless asked. */
export function synthStack(
  context: Record<string, unknown> = {},
  { bundle = false, outdir }: { bundle?: boolean; outdir?: string } = {},
) {
  const app = new App({
    context: { ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }), ...context },
    ...(outdir ? { outdir } : {}),
  });
  const stack = new PosthogSignalsStack(app, 'TestStack', {
    config: stackConfigFrom((key) => app.node.tryGetContext(key)),
  });
  return { app, stack, template: Template.fromStack(stack) };
}
