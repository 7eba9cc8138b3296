import type { SQSClient, SQSClientConfig } from '@aws-sdk/client-sqs';
import { createSqsClient } from '../aws/clients.ts';
import type { DeliveryQueue } from '../intake/ports.ts';
import { encodeQueuedDelivery, type QueuedDelivery } from './queued-delivery.ts';
import { retryDelaySeconds } from './retry-policy.ts';

/** How the drain spaces out its attempts at a delivery that keeps failing. */
export interface RetryBackoff {
  /** Keeps the record out of sight until its next attempt is due (best effort: never throws). */
  postpone(receiptHandle: string, receiveCount: number): Promise<void>;
}

/**
 * The SQS queue of deliveries. The SQS client is loaded on first use, not with the function:
 * the queue is the fallback path, and a delivery that never needs it pays nothing for it.
 */
export class SqsDeliveryQueue implements DeliveryQueue, RetryBackoff {
  private client: Promise<SqsModule> | undefined;

  constructor(
    private readonly queueUrl: string,
    private readonly clientConfig: SQSClientConfig = {},
  ) {}

  async send(delivery: QueuedDelivery): Promise<void> {
    const { sqs, SendMessageCommand } = await this.sqs();
    await sqs.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: encodeQueuedDelivery(delivery) }),
    );
  }

  /** Exponential back-off: the message becomes visible again only when its next attempt is due. */
  async postpone(receiptHandle: string, receiveCount: number): Promise<void> {
    try {
      const { sqs, ChangeMessageVisibilityCommand } = await this.sqs();
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.queueUrl,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: retryDelaySeconds(receiveCount),
        }),
      );
    } catch {
      // The queue's own visibility timeout then spaces the attempts instead.
    }
  }

  private sqs(): Promise<SqsModule> {
    this.client ??= Promise.all([createSqsClient(this.clientConfig), import('@aws-sdk/client-sqs')]).then(
      ([sqs, module]) => ({
        sqs,
        SendMessageCommand: module.SendMessageCommand,
        ChangeMessageVisibilityCommand: module.ChangeMessageVisibilityCommand,
      }),
    );
    return this.client;
  }
}

interface SqsModule {
  readonly sqs: SQSClient;
  readonly SendMessageCommand: typeof import('@aws-sdk/client-sqs').SendMessageCommand;
  readonly ChangeMessageVisibilityCommand: typeof import('@aws-sdk/client-sqs').ChangeMessageVisibilityCommand;
}
