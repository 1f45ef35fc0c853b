/** The endpoint URL fit for a log or an error: a password in it is replaced by ***. */
export function redactEndpointUrl(text: string): string {
  try {
    const url = new URL(text);
    if (!url.password) return text;
    url.password = '***';
    return url.toString();
  } catch {
    return text;
  }
}
