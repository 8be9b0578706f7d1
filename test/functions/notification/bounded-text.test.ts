import {
  toSingleLine,
  toWellFormed,
  truncateChars,
  truncateUtf8,
  utf8Bytes,
} from '../../../functions/notification/bounded-text';

const EMOJI = '\u{1F600}'; // one code point, two UTF-16 code units, four UTF-8 bytes

describe('toSingleLine', () => {
  test.each([
    [
      'replaces line breaks, tabs and other control characters',
      'a\r\nb\tc\u0000d\u007fe\u0085f',
      'a b c d e f',
    ],
    [
      'removes invisible format characters and Unicode line separators',
      'left\u202Eright\u2028next\u2029para\u200Bzero',
      'left right next para zero',
    ],
    ['collapses runs of whitespace and trims the ends', '  a \u00a0\u3000 b  ', 'a b'],
    ['keeps letters of any script and emoji', `夜間バッチ ${EMOJI} é`, `夜間バッチ ${EMOJI} é`],
  ])('%s', (_case, text, expected) => {
    expect(toSingleLine(text)).toBe(expected);
  });
});

test('toWellFormed replaces unpaired surrogates, which UTF-8 cannot encode, and keeps pairs', () => {
  expect(toWellFormed(`a\uD83D b\uDE00 ${EMOJI}`)).toBe(`a\uFFFD b\uFFFD ${EMOJI}`);
});

describe('truncateChars', () => {
  test('cuts to the limit including the marker, and returns text that fits unchanged', () => {
    expect(truncateChars('abcdefghij', 8)).toBe('abcde...');
    expect(truncateChars('abc', 3)).toBe('abc');
  });

  test('never splits a surrogate pair', () => {
    // Room for 6 code units before the marker would end inside the first emoji; the cut moves before it.
    expect(truncateChars(`abcde${EMOJI}${EMOJI}x`, 9)).toBe('abcde...');
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
    expect(truncateUtf8('abc', 3)).toBe('abc');
    expect(truncateUtf8('abc', 0)).toBe('');
  });
});
