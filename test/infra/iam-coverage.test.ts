/**
 * docs/operations.md "IAM": each function's role names its DynamoDB actions one by one, so an
 * action the code starts to use without a grant would only fail in AWS (AccessDenied). Here the
 * store's real requests for every kind of filing are recorded against DynamoDB Local, turned into
 * the IAM actions they need (a transaction's items each by their own action), and held against
 * the synthesized roles.
 */

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Template } from 'aws-cdk-lib/assertions';
import { applyBoardMove } from '../../lambda/board/board-moves.ts';
import { boardIssues } from '../../lambda/board/board-view.ts';
import { keys } from '../../lambda/storage/table-design.ts';
import { boardPartsFor } from '../../lambda/wiring.ts';
import { draftFor } from '../support/drafts.ts';
import { createTestTable, localDocumentClient } from '../support/dynamodb.ts';
import { synthStack } from '../support/stack.ts';
import { serviceStore } from '../support/webhook.ts';

// A transaction's items are authorised as these actions (docs: "Using IAM with DynamoDB transactions").
const TRANSACTION_ITEM_ACTIONS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

describe('IAM grants cover what the store does', () => {
  const client = localDocumentClient();
  afterAll(() => client.destroy());

  /** A DynamoDB Local client that adds the IAM action of each request it sends to `needed`. */
  function recordingClient(needed: Set<string>) {
    const recording = localDocumentClient();
    recording.middlewareStack.add(
      (next, context) => (args) => {
        const operation = String(context.commandName).replace(/Command$/, '');
        const items = (args.input as { TransactItems?: Record<string, unknown>[] }).TransactItems;
        if (items) {
          for (const item of items)
            for (const type of Object.keys(item)) needed.add(String(TRANSACTION_ITEM_ACTIONS[type]));
        } else {
          needed.add(`dynamodb:${operation}`);
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    return recording;
  }

  const { template } = synthStack();
  const resources = template.toJSON().Resources as Record<
    string,
    { Type: string; Properties: ReturnType<Template['toJSON']> }
  >;
  /** The role of the function whose environment has `variable` (and not `without`), or whose description starts so. */
  const roleOf = (variable: string, without?: string) => {
    const fn = Object.values(resources).find(
      (resource) =>
        resource.Type === 'AWS::Lambda::Function' &&
        (variable in resource.Properties.Environment.Variables ||
          String(resource.Properties.Description).startsWith(variable)) &&
        !(without && without in resource.Properties.Environment.Variables),
    );
    return fn?.Properties.Role['Fn::GetAtt'][0] as string;
  };
  const grantedTo = (roleId: string) =>
    new Set(
      Object.values(resources)
        .filter(
          (resource) =>
            resource.Type === 'AWS::IAM::Policy' &&
            JSON.stringify(resource.Properties.Roles).includes(roleId),
        )
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[])
        .flatMap((statement) => [statement.Action].flat()),
    );

  it('every DynamoDB action of a filing (init, new, replay, alert firings, a join after a move, an unreadable kept) is granted to the webhook and the drain', async () => {
    const tableName = await createTestTable();
    const needed = new Set<string>();
    const recording = recordingClient(needed);
    const store = serviceStore(recording, tableName);
    const at = (hour: number) => new Date(Date.UTC(2026, 10, 27, hour));
    await store.warmUp();
    const custom = draftFor({ name: 'page_load_time', value: 35 }, { receivedAt: at(1) });
    await store.file(custom);
    await store.file(custom);
    const opened = await store.file(
      draftFor({ name: 'signups', value: -60, alert_id: 'a-1' }, { receivedAt: at(2) }),
    );
    await store.file(draftFor({ name: 'signups', value: -70, alert_id: 'a-1' }, { receivedAt: at(3) }));
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.issue(String(opened.records.issue?.id)),
        UpdateExpression: 'SET #status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': 'in_progress' },
      }),
    );
    await store.file(draftFor({ name: 'signups', value: -80, alert_id: 'a-1' }, { receivedAt: at(4) }));
    await store.keepUnreadable({
      id: 'kept',
      delivery: { body: Buffer.from('{}'), keyHeaders: {}, receivedAt: at(5), requestId: undefined },
      reason: 'unreadable',
    });
    recording.destroy();

    expect([...needed].sort()).toEqual(
      expect.arrayContaining(['dynamodb:ConditionCheckItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']),
    );
    for (const role of [
      roleOf('POSTHOG_WEBHOOK_SECRET_ARN'),
      roleOf('DELIVERY_QUEUE_URL', 'POSTHOG_WEBHOOK_SECRET_ARN'),
    ]) {
      const granted = grantedTo(role);
      expect([...needed].filter((action) => !granted.has(action))).toEqual([]);
    }
  }, 60_000);

  it("every DynamoDB action of showing the triage board is the view's; a move's (with its reason) the action function's alone", async () => {
    const tableName = await createTestTable();
    const store = serviceStore(localDocumentClient(), tableName);
    const { records } = await store.file(draftFor({ name: 'signups', value: -60, alert_id: 'a-1' }));
    await store.file(draftFor({ name: 'signups', value: -70, alert_id: 'a-1' }));

    const shown = new Set<string>();
    const viewClient = recordingClient(shown);
    await boardIssues(boardPartsFor({ client: viewClient, tableName }).queries);
    const moved = new Set<string>();
    const actionClient = recordingClient(moved);
    const action = boardPartsFor({ client: actionClient, tableName });
    const move = {
      issue: String(records.issue?.id),
      fromStatus: 'triage',
      to: 'canceled',
      reason: 'Expected.',
    } as const;
    expect(await applyBoardMove(action.triage, move, { name: 'test', type: 'human' })).toMatchObject({
      kind: 'done',
    });
    expect(await applyBoardMove(action.triage, move, { name: 'test', type: 'human' })).toMatchObject({
      kind: 'stale',
    });
    await boardIssues(action.queries);
    viewClient.destroy();
    actionClient.destroy();

    const view = grantedTo(roleOf('The triage board: the open issues'));
    const act = grantedTo(roleOf("The triage board's moves"));
    expect([...shown].filter((needed) => !view.has(needed))).toEqual([]);
    expect([...moved].filter((needed) => !act.has(needed))).toEqual([]);
    expect([...moved]).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:PutItem']));
    // The view writes nothing to the table.
    expect(
      [...view].filter((granted) => /^dynamodb:(Put|Update|Delete|BatchWrite|ConditionCheck)/.test(granted)),
    ).toEqual([]);
  }, 60_000);
});
