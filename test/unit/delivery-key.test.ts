import { deliveryKey } from '../../lambda/domain/delivery-key.ts';

describe('deliveryKey', () => {
  it('uses the Idempotency-Key header first', () => {
    expect(deliveryKey({ 'idempotency-key': 'abc', 'webhook-id': 'msg_1' }, '{}')).toMatch(
      /^idempotency-key:[0-9a-f]{64}$/,
    );
  });

  it('uses webhook-id when there is no Idempotency-Key', () => {
    expect(deliveryKey({ 'webhook-id': 'msg_1' }, '{}')).toMatch(/^webhook-id:[0-9a-f]{64}$/);
  });

  it('uses the SHA-256 of the body otherwise', () => {
    expect(deliveryKey({}, '{"a":1}')).toBe(
      'body:015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862',
    );
  });

  it('gives the same key for the same header or body, and different keys otherwise', () => {
    expect(deliveryKey({ 'idempotency-key': 'k' }, 'a')).toBe(deliveryKey({ 'idempotency-key': 'k' }, 'b'));
    expect(deliveryKey({ 'idempotency-key': 'k' }, 'a')).not.toBe(
      deliveryKey({ 'idempotency-key': 'j' }, 'a'),
    );
    expect(deliveryKey({}, '{"a":1}')).not.toBe(deliveryKey({}, '{"a": 1}'));
  });

  it('keeps the sources apart: a header equal to a body hash is not that body', () => {
    expect(deliveryKey({ 'webhook-id': 'x' }, 'x')).not.toBe(deliveryKey({ 'idempotency-key': 'x' }, 'x'));
    expect(deliveryKey({ 'webhook-id': 'x' }, 'x')).not.toBe(deliveryKey({}, 'x'));
  });

  it('ignores blank headers', () => {
    expect(deliveryKey({ 'idempotency-key': '  ', 'webhook-id': '' }, 'x')).toBe(deliveryKey({}, 'x'));
  });
});
