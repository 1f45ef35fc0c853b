/**
 * The value of one Prometheus series on a service's /metrics: the sum over every label set whose
 * labels include `labels` (0 when there is none yet), so a test can compare before and after.
 */
export async function readMetric(
  baseUrl: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    if (wanted.every((pair) => (match[2] ?? '').includes(pair))) sum += Number(match[3]);
  }
  return sum;
}
