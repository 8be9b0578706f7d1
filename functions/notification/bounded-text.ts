/*
 * Strings bounded for SNS subjects, attribute values and message bytes. Lengths are UTF-16 code
 * units (what `String.length` and SNS's validators count); every cut lands on a code point boundary.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Control (Cc), format (Cf, e.g. bidi overrides), line/paragraph separators and private use. */
const NOT_ON_ONE_LINE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}]/gu;
const encoder = new TextEncoder();

/** Replaces unpaired surrogates, which have no UTF-8 encoding, with U+FFFD. */
export function toWellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

export function toSingleLine(text: string): string {
  return toWellFormed(text).replace(NOT_ON_ONE_LINE, ' ').replace(/\s+/gu, ' ').trim();
}

/** At most `maxLength` code units, ending with `marker` (shorter than `maxLength`) when it cuts. */
export function truncateChars(text: string, maxLength: number, marker = '...'): string {
  if (text.length <= maxLength) return text;
  let end = maxLength - marker.length;
  const before = text.charCodeAt(end - 1);
  if (before >= 0xd800 && before <= 0xdbff) end -= 1;
  return text.slice(0, end) + marker;
}

export function oneLine(text: string, maxLength: number): string {
  return truncateChars(toSingleLine(text), maxLength);
}

/** The unit of every SNS size limit. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The longest prefix that fits `maxBytes`; `encodeInto` writes whole code points only. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (maxBytes <= 0) return '';
  if (text.length * 3 <= maxBytes) return text;
  const { read } = encoder.encodeInto(text, new Uint8Array(maxBytes));
  return text.slice(0, read);
}
