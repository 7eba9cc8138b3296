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
      }),
    ).toEqual({
      tableName: 'signals',
      secretArn: 'arn:secret',
      secretValue: 'plain',
      dedupWindowSeconds: 120,
      secretGraceHours: 0,
    });
  });

  it('treats blank values as unset and falls back to defaults for malformed numbers', () => {
    expect(
      readConfig({
        TABLE_NAME: ' ',
        POSTHOG_WEBHOOK_SECRET: '',
        DEDUP_WINDOW_SECONDS: 'ten',
        SECRET_GRACE_HOURS: '-1',
      }),
    ).toEqual({
      tableName: undefined,
      secretArn: undefined,
      secretValue: undefined,
      dedupWindowSeconds: 600,
      secretGraceHours: 24,
    });
  });
});
