import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE_DESIGN } from '../../lambda/storage/table-design.ts';

/**
 * The signals table, from the shared design (lambda/storage/table-design.ts): on-demand,
 * point-in-time recovery, TTL, AWS-managed encryption, deletion protection, kept when the stack is
 * deleted.
 */
export class SignalsTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const string = (name: string) => ({ name, type: AttributeType.STRING });
    const { lookup, listings } = TABLE_DESIGN.indexes;

    this.table = new Table(this, 'Table', {
      partitionKey: string(TABLE_DESIGN.partitionKey),
      sortKey: string(TABLE_DESIGN.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE_DESIGN.timeToLiveAttribute,
      stream: StreamViewType[TABLE_DESIGN.stream],
      encryption: TableEncryption.AWS_MANAGED,
      // Signals and issues are the product's data: never deleted with the stack, nor by a mistake
      // outside CloudFormation (deletion protection must be turned off first).
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: lookup.name,
      partitionKey: string(lookup.partitionKey),
      projectionType: ProjectionType.KEYS_ONLY,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: listings.name,
      partitionKey: string(listings.partitionKey),
      sortKey: string(listings.sortKey),
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...listings.projection.attributes],
    });
  }
}
