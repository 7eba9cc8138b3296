import { assertSameMessage, deliveryIdentity } from '../../../lambda/core/delivery-key.ts';
import { KeyReusedError } from '../../../lambda/core/errors.ts';

const body = (text: string) => Buffer.from(text, 'utf8');

describe('deliveryIdentity', () => {
  it('uses the Idempotency-Key header first', () => {
    expect(deliveryIdentity({ 'idempotency-key': 'abc', 'webhook-id': 'msg_1' }, body('{}'))).toMatchObject({
      key: expect.stringMatching(/^idempotency-key:[0-9a-f]{64}$/),
      source: 'idempotency-key',
    });
  });

  it('uses webhook-id when there is no Idempotency-Key', () => {
    expect(deliveryIdentity({ 'webhook-id': 'msg_1' }, body('{}')).key).toMatch(/^webhook-id:[0-9a-f]{64}$/);
  });

  it('uses the SHA-256 of the raw body otherwise, and always carries it', () => {
    const sha = '015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862';
    expect(deliveryIdentity({}, body('{"a":1}'))).toEqual({
      key: `body:${sha}`,
      source: 'body',
      bodySha256: sha,
    });
    expect(deliveryIdentity({ 'idempotency-key': 'k' }, body('{"a":1}')).bodySha256).toBe(sha);
  });

  it('hashes the bytes as received: a byte-order mark makes another body', () => {
    expect(deliveryIdentity({}, Buffer.from('\ufeff{"a":1}')).key).not.toBe(
      deliveryIdentity({}, body('{"a":1}')).key,
    );
  });

  it('gives the same key for the same header or body, and different keys otherwise', () => {
    const key = (headers: Record<string, string>, text: string) => deliveryIdentity(headers, body(text)).key;
    expect(key({ 'idempotency-key': 'k' }, 'a')).toBe(key({ 'idempotency-key': 'k' }, 'b'));
    expect(key({ 'idempotency-key': 'k' }, 'a')).not.toBe(key({ 'idempotency-key': 'j' }, 'a'));
    expect(key({}, '{"a":1}')).not.toBe(key({}, '{"a": 1}'));
  });

  it('keeps the sources apart: a header equal to a body hash is not that body', () => {
    const key = (headers: Record<string, string>) => deliveryIdentity(headers, body('x')).key;
    expect(key({ 'webhook-id': 'x' })).not.toBe(key({ 'idempotency-key': 'x' }));
    expect(key({ 'webhook-id': 'x' })).not.toBe(key({}));
  });

  it('ignores blank headers', () => {
    expect(deliveryIdentity({ 'idempotency-key': '  ', 'webhook-id': '' }, body('x'))).toEqual(
      deliveryIdentity({}, body('x')),
    );
  });
});

describe('assertSameMessage', () => {
  const first = deliveryIdentity({ 'idempotency-key': 'k' }, body('{"value":1}'));

  it('lets a repeat of the same body through', () => {
    expect(() => assertSameMessage({ bodySha256: first.bodySha256 }, first)).not.toThrow();
  });

  it('refuses a key reused with another body with 422, naming the header', () => {
    const reused = deliveryIdentity({ 'idempotency-key': 'k' }, body('{"value":2}'));
    const attempt = () => assertSameMessage({ bodySha256: first.bodySha256 }, reused);
    expect(attempt).toThrow(KeyReusedError);
    expect(attempt).toThrow(/^Idempotency-Key reused with a different body/);
    const webhookId = deliveryIdentity({ 'webhook-id': 'msg' }, body('{"value":2}'));
    expect(() => assertSameMessage({ bodySha256: first.bodySha256 }, webhookId)).toThrow(
      /^webhook-id reused with a different body/,
    );
  });
});
