import fc from 'fast-check';
import { environmentFor, type FunctionSettings, readSettings, stackNameOf } from '../../lambda/settings.ts';

const DEFAULTS: FunctionSettings = {
  tableName: undefined,
  secretArn: undefined,
  secretValue: undefined,
  deliveryQueueUrl: undefined,
  posthogHost: undefined,
  boardActionArn: undefined,
  stackName: 'local',
  dedupWindowSeconds: 600,
  groupFirings: true,
  episodeGapSeconds: 86_400,
  secretGraceSeconds: 86_400,
  secretMaxStaleSeconds: 3_600,
};

describe('readSettings', () => {
  it('reads every setting from the environment', () => {
    expect(
      readSettings({
        TABLE_NAME: 'signals',
        POSTHOG_WEBHOOK_SECRET_ARN: 'arn:secret',
        POSTHOG_WEBHOOK_SECRET: 'plain',
        DEDUP_WINDOW_SECONDS: '120',
        SECRET_GRACE_SECONDS: '0',
        DELIVERY_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/deliveries',
        GROUP_FIRINGS: 'false',
        EPISODE_GAP_SECONDS: '21600',
        SECRET_MAX_STALE_SECONDS: '900',
        POSTHOG_HOST: 'posthog.example.com',
        BOARD_ACTION_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:board-action',
        STACK_NAME: ' Staging ',
      }),
    ).toEqual({
      tableName: 'signals',
      secretArn: 'arn:secret',
      secretValue: 'plain',
      dedupWindowSeconds: 120,
      secretGraceSeconds: 0,
      deliveryQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/deliveries',
      groupFirings: false,
      episodeGapSeconds: 21_600,
      secretMaxStaleSeconds: 900,
      posthogHost: 'posthog.example.com',
      boardActionArn: 'arn:aws:lambda:us-east-1:123456789012:function:board-action',
      stackName: 'Staging',
    });
  });

  it('treats blank values as unset and falls back to defaults for malformed numbers, naming each', () => {
    const warnings: string[] = [];
    expect(
      readSettings(
        {
          TABLE_NAME: ' ',
          POSTHOG_WEBHOOK_SECRET: '',
          DEDUP_WINDOW_SECONDS: 'ten',
          SECRET_GRACE_SECONDS: '-1',
        },
        (message) => warnings.push(message),
      ),
    ).toEqual(DEFAULTS);
    expect(warnings).toEqual([
      'DEDUP_WINDOW_SECONDS must be a number of 0 or more, not "ten"; using the default 600',
      'SECRET_GRACE_SECONDS must be a number of 0 or more, not "-1"; using the default 86400',
    ]);
  });

  it('warns about nothing when every value is well formed or absent', () => {
    const warn = jest.fn();
    readSettings({ DEDUP_WINDOW_SECONDS: '60' }, warn);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('environmentFor', () => {
  const text = fc
    .string({ minLength: 1, maxLength: 40 })
    .filter((value) => value.trim() === value && value !== '');
  const seconds = fc.integer({ min: 0, max: 10_000_000 });
  const settings: fc.Arbitrary<FunctionSettings> = fc.record({
    tableName: fc.option(text, { nil: undefined }),
    secretArn: fc.option(text, { nil: undefined }),
    secretValue: fc.option(text, { nil: undefined }),
    deliveryQueueUrl: fc.option(text, { nil: undefined }),
    posthogHost: fc.option(text, { nil: undefined }),
    boardActionArn: fc.option(text, { nil: undefined }),
    stackName: text,
    dedupWindowSeconds: seconds,
    groupFirings: fc.boolean(),
    episodeGapSeconds: seconds,
    secretGraceSeconds: seconds,
    secretMaxStaleSeconds: seconds,
  });

  it('gives an environment that the functions read back as the same settings', () => {
    fc.assert(
      fc.property(settings, (given) => {
        const warn = jest.fn();
        expect(readSettings(environmentFor(given), warn)).toEqual(given);
        expect(warn).not.toHaveBeenCalled();
      }),
    );
  });

  it('writes only the settings it is given, so a function reads the defaults of the others', () => {
    const environment = environmentFor({ tableName: 'signals', groupFirings: false });

    expect(environment).toEqual({ TABLE_NAME: 'signals', GROUP_FIRINGS: 'false' });
    expect(readSettings(environment)).toEqual({ ...DEFAULTS, tableName: 'signals', groupFirings: false });
  });

  it('names the stack the metrics carry, `local` outside AWS', () => {
    expect(stackNameOf(environmentFor({ stackName: 'Production' }))).toBe('Production');
    expect(stackNameOf({})).toBe('local');
  });
});
