import {
  toSingleLine,
  toWellFormed,
  truncateChars,
  truncateUtf8,
  utf8Bytes,
} from '../../../functions/notification/bounded-text';

const EMOJI = '\u{1F600}'; // one code point, two UTF-16 code units, four UTF-8 bytes

describe('toSingleLine', () => {
  test('replaces line breaks, tabs and other control characters with single spaces', () => {
    expect(toSingleLine('a\r\nb\tc\u0000d\u007fe\u0085f')).toBe('a b c d e f');
  });

  test('removes invisible format characters and Unicode line separators', () => {
    expect(toSingleLine('left\u202Eright\u2028next\u2029para\u200Bzero')).toBe('left right next para zero');
  });

  test('collapses runs of whitespace and trims the ends', () => {
    expect(toSingleLine('  a \u00a0\u3000 b  ')).toBe('a b');
  });

  test('keeps letters of any script and emoji', () => {
    expect(toSingleLine(`夜間バッチ ${EMOJI} é`)).toBe(`夜間バッチ ${EMOJI} é`);
  });
});

describe('toWellFormed', () => {
  test('replaces unpaired surrogates, which UTF-8 cannot encode, and keeps pairs', () => {
    expect(toWellFormed(`a\uD83D b\uDE00 ${EMOJI}`)).toBe(`a\uFFFD b\uFFFD ${EMOJI}`);
  });
});

describe('truncateChars', () => {
  test('returns text that fits unchanged', () => {
    expect(truncateChars('abc', 3)).toBe('abc');
  });

  test('cuts to the limit including the marker', () => {
    expect(truncateChars('abcdefghij', 8)).toBe('abcde...');
  });

  test('never splits a surrogate pair', () => {
    const text = `abcde${EMOJI}${EMOJI}x`;
    // Room for 6 code units before the marker would end inside the first emoji; the cut moves before it.
    const result = truncateChars(text, 9);
    expect(result).toBe('abcde...');
    expect(toWellFormed(result)).toBe(result);
  });
});

describe('utf8Bytes and truncateUtf8', () => {
  test('counts UTF-8 bytes, not characters', () => {
    expect(utf8Bytes(`aé€${EMOJI}`)).toBe(1 + 2 + 3 + 4);
  });

  test('keeps the longest prefix that fits, ending on a whole character', () => {
    const text = `ab€${EMOJI}c`;
    expect(truncateUtf8(text, 4)).toBe('ab');
    expect(truncateUtf8(text, 5)).toBe('ab€');
    expect(truncateUtf8(text, 8)).toBe('ab€');
    expect(truncateUtf8(text, 9)).toBe(`ab€${EMOJI}`);
  });

  test('returns everything when it fits, and nothing for a zero budget', () => {
    expect(truncateUtf8('abc', 3)).toBe('abc');
    expect(truncateUtf8('abc', 0)).toBe('');
  });
});
