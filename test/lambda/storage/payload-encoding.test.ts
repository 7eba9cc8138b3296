import type { JsonObject } from '../../../lambda/core/json.ts';
import { decodePayload, encodePayload } from '../../../lambda/storage/payload-encoding.ts';

const encode = (text: string) => encodePayload(JSON.parse(text) as JsonObject, text);
/** `count` arrays nested in each other around the number 1. */
const arrays = (count: number) => `${'['.repeat(count)}1${']'.repeat(count)}`;

describe('encodePayload', () => {
  it('keeps an ordinary document as a map', () => {
    const text =
      '{"name":"m","value":35,"nested":{"list":[1,"two",null,true,{"x":-1.5}]},"empty":"","none":{}}';
    expect(encode(text)).toEqual(JSON.parse(text));
  });

  it.each([
    ['an empty key', '{"":1}'],
    ['a nested empty key', '{"a":[{"":1}]}'],
    ['a __proto__ key', '{"__proto__":{"x":1}}'],
    ['a constructor key', '{"a":{"constructor":{"name":"Set"}}}'],
    ['a number too large for DynamoDB', '{"a":1e300}'],
    ['a number too small for DynamoDB', '{"a":1e-200}'],
    ['negative zero', '{"a":-0}'],
    ['a lone surrogate in a value', '{"a":"\\ud800"}'],
    ['a lone surrogate in a key', '{"\\udc00":1}'],
  ])('stores a document with %s as its JSON text', (_, text) => {
    expect(encode(text)).toBe(text);
  });

  it('keeps numbers DynamoDB can hold, however large, as a map', () => {
    const text = '{"a":1e20,"b":9.99999999999999e125,"c":1e-130,"d":12345678901234567890,"e":0}';
    expect(encode(text)).toEqual(JSON.parse(text));
  });

  it('keeps 31 levels of nesting as a map and stores 32 as text', () => {
    expect(typeof encode(`{"a":${arrays(30)}}`)).toBe('object');
    expect(encode(`{"a":${arrays(31)}}`)).toBe(`{"a":${arrays(31)}}`);
  });

  it('handles a document nested far deeper than the stack allows to recurse', () => {
    const text = `{"a":${arrays(100_000)}}`;
    expect(encode(text)).toBe(text);
  });
});

describe('decodePayload', () => {
  it('gives back what JSON.parse gave, for either stored form', () => {
    for (const text of ['{"a":1}', '{"":1e300,"__proto__":[-0]}']) {
      expect(decodePayload(encode(text))).toEqual(JSON.parse(text));
    }
  });
});
