/**
 * `aws dynamodb scan --table-name T --endpoint-url U --region R --select COUNT`, for the README
 * walk-through on a machine without the AWS CLI: the same request through the AWS SDK, which —
 * like the CLI — needs the region and the credentials the README's line gives, printed as the CLI
 * prints it. Anything else it is asked is an error.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';

const [service, operation, ...rest] = process.argv.slice(2);
const { values } = parseArgs({
  args: rest,
  options: {
    'table-name': { type: 'string' },
    'endpoint-url': { type: 'string' },
    region: { type: 'string' },
    select: { type: 'string' },
  },
  strict: true,
});
if (service !== 'dynamodb' || operation !== 'scan' || !values['table-name']) {
  console.error(
    'This stand-in only runs: aws dynamodb scan --table-name … [--endpoint-url …] [--region …] [--select …]',
  );
  process.exit(2);
}
const region = values.region ?? process.env.AWS_REGION;
if (!region) {
  console.error('You must specify a region. You can also configure your region by running "aws configure".');
  process.exit(253);
}
if (!process.env.AWS_ACCESS_KEY_ID || !process.env.AWS_SECRET_ACCESS_KEY) {
  console.error('Unable to locate credentials. You can configure credentials by running "aws configure".');
  process.exit(253);
}
const client = new DynamoDBClient({
  region,
  ...(values['endpoint-url'] ? { endpoint: values['endpoint-url'] } : {}),
});
const answer = await client.send(
  new ScanCommand({
    TableName: values['table-name'],
    ...(values.select ? { Select: values.select as 'COUNT' } : {}),
  }),
);
client.destroy();
console.log(
  JSON.stringify({ Count: answer.Count, ScannedCount: answer.ScannedCount, ConsumedCapacity: null }, null, 4),
);
