import { render } from 'velocityjs';

// Genesys renders the templates of a custom action (requestUrlTemplate, headers, requestTemplate)
// with Apache Velocity, the inputs as `$input`, the integration's credentials as `$credentials`
// and Velocity Tools' EscapeTool as `$esc` ("Velocity macros for data actions",
// https://help.mypurecloud.com/articles/velocity-macros-data-actions/): formal `${x}` prints the
// reference's own text when x is null, silent `$!{x}` prints nothing, and strings inside a JSON
// body go through `$esc.jsonString`. velocityjs is that engine in JavaScript, with one difference
// Java does not have: it prints a present JavaScript null as "null", so null inputs are removed
// first (Java Velocity treats a null value and an unset one alike, and Genesys leaves out the
// inputs a flow does not set).

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"', '\\': '\\\\', '/': '\\/', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r',
};

/**
 * `$esc.jsonString`, as commons-lang3 `StringEscapeUtils.escapeJson` (the library EscapeTool's
 * escapers delegate to): `"`, `\` and `/` get a backslash, \b \t \n \f \r their short form, every
 * other UTF-16 unit below U+0020 or above U+007F a `\uXXXX` escape. A null argument returns
 * nothing, as EscapeTool does, so the reference prints its own text (or nothing when silent).
 */
export function jsonString(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = String(value);
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const unit = text.charCodeAt(i);
    const unicode = `\\u${unit.toString(16).toUpperCase().padStart(4, '0')}`;
    out += SHORT_ESCAPES[ch] ?? (unit < 0x20 || unit > 0x7f ? unicode : ch);
  }
  return out;
}

type Credentials = Record<string, string>;

/** One template rendered as Genesys renders it when a flow calls the action. */
export function renderGenesys(template: string, input: Record<string, unknown>, credentials: Credentials = {}) {
  const set = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined));
  return render(template, { input: set, credentials, esc: { jsonString } });
}
