/**
 * `If-Match: "3"` (or a list, or `*`) as the versions a command may apply to. ETags here are the
 * order version, strong; a weak tag never matches (RFC 9110 13.1.1 uses the strong comparison).
 */
export type IfMatch = { ok: true; versions: number[] | undefined } | { ok: false; message: string };

export function parseIfMatch(header: string | undefined): IfMatch {
  if (header === undefined) return { ok: true, versions: undefined };
  const value = header.trim();
  if (value === '*') return { ok: true, versions: undefined };
  const versions: number[] = [];
  for (const tag of value.split(',').map((part) => part.trim())) {
    const strong = /^"(\d{1,9})"$/.exec(tag);
    if (strong?.[1] !== undefined) versions.push(Number(strong[1]));
    else if (!/^W\/"[^"]*"$/.test(tag))
      return { ok: false, message: 'must be "<version>" (a quoted ETag) or *' };
  }
  return { ok: true, versions };
}

export function etagOf(version: number): string {
  return `"${version}"`;
}
