import { matchesAnySecret } from '../../lambda/secret/secret-match.ts';

describe('matchesAnySecret', () => {
  it('accepts the exact secret', () => {
    expect(matchesAnySecret('s3cret-value', ['s3cret-value'])).toBe(true);
  });

  it.each([
    ['a different value of the same length', 's3cret-valuX'],
    ['a prefix', 's3cret'],
    ['a longer value', 's3cret-value-and-more'],
    ['different case', 'S3CRET-VALUE'],
    ['an empty value', ''],
  ])('rejects %s', (_, presented) => {
    expect(matchesAnySecret(presented, ['s3cret-value'])).toBe(false);
  });

  it('accepts any of several accepted secrets and rejects when there are none', () => {
    expect(matchesAnySecret('previous', ['current', 'previous'])).toBe(true);
    expect(matchesAnySecret('anything', [])).toBe(false);
  });

  it('compares multi-byte text by its UTF-8 bytes', () => {
    expect(matchesAnySecret('clé', ['clé'])).toBe(true);
    expect(matchesAnySecret('cle', ['clé'])).toBe(false);
  });
});
