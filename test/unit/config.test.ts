import { readConfig } from '../../lambda/config.ts';

describe('readConfig', () => {
  it('reads every setting from the environment', () => {
    expect(
      readConfig({
        TABLE_NAME: 'signals',
        POSTHOG_WEBHOOK_SECRET_ARN: 'arn:secret',
        POSTHOG_WEBHOOK_SECRET: 'plain',
        DEDUP_WINDOW_SECONDS: '120',
        SECRET_GRACE_HOURS: '0',
        DELIVERY_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/deliveries',
        GROUP_FIRINGS: 'false',
        EPISODE_GAP_HOURS: '6',
        SECRET_MAX_STALE_MINUTES: '15',
      }),
    ).toEqual({
      tableName: 'signals',
      secretArn: 'arn:secret',
      secretValue: 'plain',
      dedupWindowSeconds: 120,
      secretGraceHours: 0,
      deliveryQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/deliveries',
      groupFirings: false,
      episodeGapHours: 6,
      secretMaxStaleMinutes: 15,
    });
  });

  it('treats blank values as unset and falls back to defaults for malformed numbers, naming each', () => {
    const warnings: string[] = [];
    expect(
      readConfig(
        {
          TABLE_NAME: ' ',
          POSTHOG_WEBHOOK_SECRET: '',
          DEDUP_WINDOW_SECONDS: 'ten',
          SECRET_GRACE_HOURS: '-1',
        },
        (message) => warnings.push(message),
      ),
    ).toEqual({
      tableName: undefined,
      secretArn: undefined,
      secretValue: undefined,
      dedupWindowSeconds: 600,
      secretGraceHours: 24,
      groupFirings: true,
      episodeGapHours: 24,
      secretMaxStaleMinutes: 60,
    });
    expect(warnings).toEqual([
      'DEDUP_WINDOW_SECONDS must be a number of 0 or more, not "ten"; using the default 600',
      'SECRET_GRACE_HOURS must be a number of 0 or more, not "-1"; using the default 24',
    ]);
  });

  it('warns about nothing when every value is well formed or absent', () => {
    const warn = jest.fn();
    readConfig({ DEDUP_WINDOW_SECONDS: '60' }, warn);
    expect(warn).not.toHaveBeenCalled();
  });
});
