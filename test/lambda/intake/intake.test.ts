import type { Metrics } from '@aws-lambda-powertools/metrics';
import { DependencyUnavailableError, InvalidPayloadError } from '../../../lambda/core/errors.ts';
import { createIntake } from '../../../lambda/intake/intake.ts';
import type { RawDelivery } from '../../../lambda/intake/ports.ts';
import { readPosthogDelivery } from '../../../lambda/sources/posthog/posthog-delivery.ts';
import { RecordingStore } from '../../support/recording-store.ts';

/** Records the metrics the intake adds. */
function recordingMetrics() {
  const added: string[] = [];
  const metrics = { addMetric: (name: string) => added.push(name) } as unknown as Metrics;
  return { added, metrics };
}

const delivery = (body: object | string, key = 'k-1'): RawDelivery => ({
  body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  keyHeaders: { 'idempotency-key': key },
  receivedAt: new Date('2026-11-27T10:00:00.000Z'),
  requestId: 'r-1',
});

describe('the intake operation', () => {
  it('stores a new delivery, counts its severity once, and says what the log line needs', async () => {
    const store = new RecordingStore();
    const { added, metrics } = recordingMetrics();
    const intake = createIntake({ store, read: readPosthogDelivery, metrics });

    const first = await intake.accept(delivery({ name: 'signups', value: -62.5 }));
    const repeat = await intake.accept(delivery({ name: 'signups', value: -62.5 }));

    expect(first).toMatchObject({
      status: 'stored',
      replayed: false,
      stored: [{ replayed: false, filing: 'opened' }],
      facts: { metricName: 'signups', severity: 'critical', signalId: 'signal-1', issueId: 'issue-1' },
    });
    expect(repeat).toMatchObject({ status: 'stored', replayed: true, stored: [{ replayed: true }] });
    expect(added).toEqual(['SignalsCritical']);
  });

  it('reads the body before storage is asked: an unreadable one is refused and nothing is stored', async () => {
    const store = new RecordingStore();
    const intake = createIntake({ store, read: readPosthogDelivery, metrics: recordingMetrics().metrics });

    await expect(intake.accept(delivery('{"name": "x"'))).rejects.toThrow(InvalidPayloadError);
    await expect(intake.accept(delivery({ name: 'x' }))).rejects.toThrow(/value/);
    expect(store.drafts).toHaveLength(0);
  });

  it('hands the delivery, untouched, to the queue while storage is down, and counts no signal', async () => {
    const store = new RecordingStore();
    store.failWith = new DependencyUnavailableError('Storage', { cause: { name: 'TimeoutError' } });
    const queued: RawDelivery[] = [];
    const { added, metrics } = recordingMetrics();
    const intake = createIntake({
      store,
      read: readPosthogDelivery,
      metrics,
      queue: {
        send: async (raw) => {
          queued.push(raw);
        },
      },
    });
    const raw = delivery({ name: 'signups', value: 12 });

    const result = await intake.accept(raw);

    expect(result).toEqual({
      status: 'queued',
      facts: { metricName: 'signups', severity: 'medium', storageFailure: 'TimeoutError' },
    });
    expect(queued).toEqual([raw]);
    expect(added).toEqual([]);
  });

  it('throws the outage when there is no queue, and a storage outage naming the queue when it fails too', async () => {
    const store = new RecordingStore();
    store.failWith = new DependencyUnavailableError('Storage');
    const read = readPosthogDelivery;
    const { metrics } = recordingMetrics();

    await expect(
      createIntake({ store, read, metrics }).accept(delivery({ name: 'a', value: 1 })),
    ).rejects.toBe(store.failWith);
    const failing = createIntake({
      store,
      read,
      metrics,
      queue: { send: () => Promise.reject(Object.assign(new Error('down'), { name: 'QueueDoesNotExist' })) },
    });
    await expect(failing.accept(delivery({ name: 'a', value: 1 }))).rejects.toMatchObject({
      dependency: 'Storage',
      detail: 'the delivery queue is unavailable too (QueueDoesNotExist)',
    });
  });
});
