// Token-level helpers of the events body scan (json-scan.ts), over JSON text that JSON.parse accepted.

export const QUOTE = 0x22;
const BACKSLASH = 0x5c;
export const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Index of the quote that closes the string opened at `start`. */
export function stringEnd(text: string, start: number): number {
  let q = text.indexOf('"', start + 1);
  for (;;) {
    let b = q - 1;
    while (text.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q;
    q = text.indexOf('"', q + 1);
  }
}

const hexAt = (text: string, i: number) => (text.charCodeAt(i) === BACKSLASH && text.charCodeAt(i + 1) === 0x75
  ? Number.parseInt(text.slice(i + 2, i + 6), 16) : -1);
const isHigh = (u: number) => u >= 0xd800 && u <= 0xdbff;
const isLow = (u: number) => u >= 0xdc00 && u <= 0xdfff;

/**
 * PostgreSQL's jsonb refuses \u0000 and unpaired surrogates (docs/eventbridge.md): such a string
 * would fail every batch it joins, so it is refused alone at the door.
 */
export function unstorableEscape(text: string, firstBackslash: number, end: number): boolean {
  for (let b = firstBackslash; b !== -1 && b < end; b = text.indexOf('\\', b + 2)) {
    const u = hexAt(text, b);
    if (u === 0 || isLow(u)) return true;
    if (isHigh(u)) {
      if (!isLow(hexAt(text, b + 6))) return true;
      b += 6;
    }
  }
  return false;
}

/** A number JavaScript cannot tell apart from another (±Infinity, or 0 with non-zero digits). */
export function unstorableNumber(token: string): boolean {
  const value = Number(token);
  if (!Number.isFinite(value)) return true;
  return value === 0 && /[1-9]/.test(token.split(/[eE]/)[0]!);
}

/** The text without whitespace outside strings. */
export function minify(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = stringEnd(text, i);
    else if (isSpace(c)) {
      out += text.slice(from, i);
      from = i + 1;
    }
  }
  return from === 0 ? text : out + text.slice(from);
}
