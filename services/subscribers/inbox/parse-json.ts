export type ParsedJson = { ok: true; value: unknown } | { ok: false };

/** A verified body as JSON (UTF-8, as the relay sends it); never throws. */
export function parseJson(raw: Buffer): ParsedJson {
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}
