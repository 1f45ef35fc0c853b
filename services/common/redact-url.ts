/** A URL fit for a log or an error: a password in it (a database's, a NATS server's) is replaced by ***. */
export function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    if (!url.password) return text;
    url.password = '***';
    return url.toString();
  } catch {
    return text;
  }
}
