/** Polls GET <url> until it answers 2xx or the deadline passes; true when it became healthy. */
export async function waitHealthy(
  url: string,
  timeoutMs: number,
  isStopped: () => boolean,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !isStopped()) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}
