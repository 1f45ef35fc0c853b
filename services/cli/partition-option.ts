import { MAX_PARTITIONS } from '../relay/streams/partition.js';

/** A `--partition <n>` / `--partitions <n>` value: a whole number in range, or a clear error. */
function wholeNumber(text: string, min: number, max: number, flag: string): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new Error(`${flag} must be a whole number from ${min} to ${max}, got "${text}"`);
  return value;
}

/** `--partition <n>`: one partition of a subscription, 0-based; undefined when not given. */
export function parsePartitionOption(text: string | undefined): number | undefined {
  return text === undefined ? undefined : wholeNumber(text, 0, MAX_PARTITIONS - 1, '--partition');
}

/** `--partitions <n>`: how many partitions a subscription has, 1 to MAX_PARTITIONS. */
export function parsePartitionsOption(text: string): number {
  return wholeNumber(text, 1, MAX_PARTITIONS, '--partitions');
}
