/**
 * Duplicates a subscriber's inbox suppressed, from its Prometheus /metrics: the sum of every sample
 * whose metric name mentions "duplicate" (every subscriber counts events processed, duplicates and failures).
 * Counters restart with the process: read before restarting a subscriber.
 */
export async function duplicatesSuppressed(baseUrl: string): Promise<number> {
  const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) return 0;
  let total = 0;
  for (const line of (await response.text()).split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || !/duplicate/i.test(match[1]!) || /_created$/.test(match[1]!)) continue;
    total += Number(match[3]) || 0;
  }
  return total;
}
