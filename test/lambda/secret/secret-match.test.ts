import { matchesSecret } from '../../../lambda/secret/secret-match.ts';

describe('matchesSecret', () => {
  it('accepts the exact secret', () => {
    expect(matchesSecret('s3cret-value', 's3cret-value')).toBe(true);
  });

  it.each([
    ['a different value of the same length', 's3cret-valuX'],
    ['a prefix', 's3cret'],
    ['a longer value', 's3cret-value-and-more'],
    ['different case', 'S3CRET-VALUE'],
    ['an empty value', ''],
  ])('rejects %s', (_, presented) => {
    expect(matchesSecret(presented, 's3cret-value')).toBe(false);
  });

  it('compares multi-byte text by its UTF-8 bytes', () => {
    expect(matchesSecret('clé', 'clé')).toBe(true);
    expect(matchesSecret('cle', 'clé')).toBe(false);
  });
});
