import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { TABLE_DESIGN } from '../../lambda/storage/table-design.ts';
import { ServiceFunction } from '../constructs/service-function.ts';

export interface BoardFunctionsProps {
  readonly table: ITable;
  readonly logRetention: RetentionDays;
}

/**
 * What showing the board reads: the open issues' listings (index Queries, then a batch read of
 * their items), then each issue's partition (a Query).
 */
const READ_ACTIONS = ['dynamodb:Query', 'dynamodb:BatchGetItem'];
/**
 * What a move adds: the issue read, then written (an UpdateItem, or a transaction of it with its
 * reason's comment and the change records, a PutItem each).
 */
const MOVE_ACTIONS = [...READ_ACTIONS, 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'];

/**
 * The triage board in the stack's dashboard (lambda/board/): a view function the custom widget
 * invokes to show it, and an action function its move buttons call — each invoked with the
 * viewer's own credentials. They are separate so that viewing and moving are separate IAM
 * permissions: the view's role only reads, the action's holds the board's only write grant, and
 * two managed policies give people one or the other (`viewerPolicy`: see the board;
 * `triagerPolicy`: see it and move issues).
 */
export class BoardFunctions extends Construct {
  readonly view: ServiceFunction;
  readonly action: ServiceFunction;
  readonly viewerPolicy: ManagedPolicy;
  readonly triagerPolicy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: BoardFunctionsProps) {
    super(scope, id);
    const { table, logRetention } = props;
    const indexes = Object.values(TABLE_DESIGN.indexes).map(
      (index) => `${table.tableArn}/index/${index.name}`,
    );

    this.action = new ServiceFunction(this, 'Action', {
      name: 'board-action',
      description: "The triage board's moves: accept or decline an issue from the dashboard (its only write)",
      logRetention,
      settings: { tableName: table.tableName },
    });
    this.action.allow(MOVE_ACTIONS, [table.tableArn]);
    this.action.allow(['dynamodb:Query'], indexes);

    this.view = new ServiceFunction(this, 'View', {
      name: 'board',
      description: "The triage board: the open issues, in the stack's CloudWatch dashboard (reads only)",
      logRetention,
      settings: { tableName: table.tableName, boardActionArn: this.action.function.functionArn },
    });
    this.view.allow(READ_ACTIONS, [table.tableArn]);
    this.view.allow(['dynamodb:Query'], indexes);

    const invoke = (functions: ServiceFunction[]) =>
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: functions.map((fn) => fn.function.functionArn),
      });
    this.viewerPolicy = new ManagedPolicy(this, 'ViewerPolicy', {
      description: "See the Loop triage board in the stack's dashboard (not move issues)",
      statements: [invoke([this.view])],
    });
    this.triagerPolicy = new ManagedPolicy(this, 'TriagerPolicy', {
      description: "See the Loop triage board in the stack's dashboard and move issues from it",
      statements: [invoke([this.view, this.action])],
    });
  }
}
