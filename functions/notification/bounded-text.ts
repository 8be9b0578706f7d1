/**
 * Strings bounded for SNS subjects, attribute values and message bytes. Lengths are UTF-16 code
 * units (what `String.length` and SNS's validators count); every cut lands on a code point boundary.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Control (Cc), format (Cf, e.g. bidi overrides), line/paragraph separators and private use. */
const NOT_ON_ONE_LINE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}]/gu;
const WHITESPACE_RUN = /\s+/gu;

/** Replaces unpaired surrogates, which have no UTF-8 encoding, with U+FFFD. */
export function toWellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/** One line of printable text: control and invisible characters become spaces, runs collapse. */
export function toSingleLine(text: string): string {
  return toWellFormed(text).replace(NOT_ON_ONE_LINE, ' ').replace(WHITESPACE_RUN, ' ').trim();
}

/** Whether `index` falls between the two halves of a surrogate pair. */
function splitsPair(text: string, index: number): boolean {
  const before = text.charCodeAt(index - 1);
  return index > 0 && index < text.length && before >= 0xd800 && before <= 0xdbff;
}

/**
 * Cuts `text` to at most `maxLength` code units, ending with `marker` when it had to cut, never
 * splitting a surrogate pair. `marker` must be shorter than `maxLength`.
 */
export function truncateChars(text: string, maxLength: number, marker = '...'): string {
  if (text.length <= maxLength) return text;
  let end = maxLength - marker.length;
  if (splitsPair(text, end)) end -= 1;
  return text.slice(0, end) + marker;
}

/** An event value on one line of at most `maxLength` code units. */
export function oneLine(text: string, maxLength: number): string {
  return truncateChars(toSingleLine(text), maxLength);
}

const encoder = new TextEncoder();

/** The UTF-8 size of `text`, the unit of every SNS size limit. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`. `encodeInto` only writes
 * whole code points, so the cut never splits a multi-byte character.
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (maxBytes <= 0) return '';
  if (text.length * 3 <= maxBytes) return text;
  const { read } = encoder.encodeInto(text, new Uint8Array(maxBytes));
  return text.slice(0, read);
}
