import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { type ITable, Operation } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';

/** What the alarms and the dashboard watch. */
export interface MonitoredResources {
  /** The webhook function. */
  readonly webhook: IFunction;
  /** The function that drains the delivery queue. */
  readonly drain: IFunction;
  /** The triage API's function. */
  readonly triageApi: IFunction;
  /** The triage board's view: the dashboard's custom widget. */
  readonly board: IFunction;
  /** Issue events the pipe could not publish. */
  readonly eventDeadLetterQueue: IQueue;
  readonly api: IHttpApi;
  readonly table: ITable;
  /** Deliveries waiting for storage. */
  readonly queue: IQueue;
  /** Deliveries that failed every attempt. */
  readonly deadLetterQueue: IQueue;
}

/** One of the functions' own metrics (by name), as this stack's functions emit it. */
export type OwnMetric = (metricName: string) => Metric;

export const FIVE_MINUTES = Duration.minutes(5);

/** The table operations the functions use, whose throttles and errors are watched. */
export const TABLE_OPERATIONS = [
  Operation.UPDATE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
  Operation.GET_ITEM,
  Operation.QUERY,
];
