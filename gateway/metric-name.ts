/**
 * The metric-name rule. A name becomes the `metric` tag of every stored point (InfluxDB line
 * protocol, or a column of the embedded store), a key of the models' per-stream state, and
 * text in work orders and customer emails. It is kept exactly as sent, so everything that
 * round-trips through InfluxDB's escaping is allowed: spaces, commas, equals signs, quotes,
 * `#`, `+`, `/` and any non-ASCII letter or symbol. Refused are the characters that do not
 * round-trip or could break a line:
 *
 * - control characters (C0, DEL, C1), including newline and tab: a raw newline would end
 *   the line-protocol line, and InfluxDB 1.x keeps `\n` escapes in tags unresolved;
 * - the line and paragraph separators U+2028 and U+2029, which are line breaks elsewhere;
 * - the backslash: in a tag it is only an escape where it precedes a space, comma or equals
 *   sign, so a name ending in one would swallow the next separator;
 * - lone UTF-16 surrogates (`"\ud800"` in JSON), which are not characters and cannot be
 *   written as UTF-8;
 * - leading or trailing white space, which would make `temp` and `temp ` two streams no
 *   one can tell apart on a screen;
 * - the empty name, and names over METRIC_NAME_MAX_CHARS characters (Unicode code points).
 */
export const METRIC_NAME_MAX_CHARS = 128

const FORBIDDEN = /[\p{Cc}\p{Zl}\p{Zp}\p{Cs}\\]/u
const EDGE_SPACE = /^\s|\s$/u

/** What is wrong with a metric name, or null when it is acceptable. */
export function metricNameProblem(name: string): string | null {
  if (name === '') return 'is empty'
  const found = FORBIDDEN.exec(name)
  if (found !== null) return `contains ${describeChar(found[0])}, which cannot be stored exactly`
  if (EDGE_SPACE.test(name)) return 'starts or ends with white space'
  // UTF-16 length bounds the code-point count from above, so only long names are counted.
  const chars = name.length <= METRIC_NAME_MAX_CHARS ? name.length : [...name].length
  if (chars > METRIC_NAME_MAX_CHARS) return `has ${chars} characters, more than ${METRIC_NAME_MAX_CHARS}`
  return null
}

function describeChar(char: string): string {
  if (char === '\\') return 'a backslash'
  const code = char.codePointAt(0) ?? 0
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
}
