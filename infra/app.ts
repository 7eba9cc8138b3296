/** The CDK app: `npx cdk synth` / `npx cdk deploy`. Settings come from context (see infra/config.ts). */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stackConfigFrom } from './config.ts';
import { PosthogSignalsStack } from './stack.ts';

const app = new App();
const config = stackConfigFrom((key) => app.node.tryGetContext(key));
new PosthogSignalsStack(app, config.stackName, {
  config,
  description: "Loop's PostHog integration: metric alerts become signals and triage issues",
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
