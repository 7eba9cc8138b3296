import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { TABLE_DESIGN } from '../../lambda/storage/table-design.ts';
import { keepLogicalId } from '../constructs/logical-ids.ts';
import { ServiceFunction } from '../constructs/service-function.ts';

export interface TriageApiFunctionProps {
  readonly table: ITable;
  readonly logRetention: RetentionDays;
}

/**
 * The triage API (lambda/functions/triage-api/): the IAM-authorized routes that read, move, claim
 * and note issues. It reads with index Queries and batch reads; moves and claims with an
 * UpdateItem (in a transaction, beside the PutItem of a reason or a second event, when a move
 * writes more); notes with a PutItem.
 */
export class TriageApiFunction extends ServiceFunction {
  constructor(scope: Construct, id: string, props: TriageApiFunctionProps) {
    const { table } = props;
    super(scope, id, {
      name: 'triage-api',
      description: 'The triage API: read, move, claim and comment on Loop issues (IAM-authorized)',
      logRetention: props.logRetention,
      settings: { tableName: table.tableName },
    });
    // First deployed as the "read API": its logs stay where they are.
    keepLogicalId(this.logGroup, 'ReadApiLogsBC088859');
    this.allow(
      [
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:BatchGetItem',
        'dynamodb:UpdateItem',
        'dynamodb:PutItem',
      ],
      [table.tableArn],
    );
    this.allow(
      ['dynamodb:Query'],
      Object.values(TABLE_DESIGN.indexes).map((index) => `${table.tableArn}/index/${index.name}`),
    );
  }
}
