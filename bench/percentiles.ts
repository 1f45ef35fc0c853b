export type Distribution = { count: number; p50: number; p95: number; p99: number; max: number };

/** Nearest-rank percentiles of a sample (milliseconds in, milliseconds out). Empty -> all zero. */
export function distribution(values: number[]): Distribution {
  if (values.length === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  return {
    count: sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted[sorted.length - 1]!,
  };
}
