import { Stack } from 'aws-cdk-lib';
import { SlackChannelConfiguration } from 'aws-cdk-lib/aws-chatbot';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

/** Where alarm notifications go besides the topic; each only when configured (docs/operations.md "Alarm routes"). */
export interface AlarmRoutes {
  /** An address subscribed by e-mail (AWS sends a confirmation first). */
  readonly email?: string;
  /** An HTTPS endpoint subscribed to the topic, e.g. an on-call tool's SNS integration URL. */
  readonly httpsUrl?: string;
  /** A Slack channel, through Amazon Q Developer in chat applications (the workspace authorised once in its console). */
  readonly slack?: { readonly workspaceId: string; readonly channelId: string };
}

/** Subscribes each configured route to the alarm topic (Slack through a channel configuration in `scope`). */
export function routeAlarms(scope: Construct, topic: Topic, { email, httpsUrl, slack }: AlarmRoutes): void {
  if (email) topic.addSubscription(new EmailSubscription(email));
  if (httpsUrl) topic.addSubscription(new UrlSubscription(httpsUrl));
  if (slack) {
    new SlackChannelConfiguration(scope, 'Slack', {
      slackChannelConfigurationName: `${Stack.of(scope).stackName}-alarms`.slice(0, 128),
      slackWorkspaceId: slack.workspaceId,
      slackChannelId: slack.channelId,
      notificationTopics: [topic],
    });
  }
}
