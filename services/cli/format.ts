import Table from 'cli-table3';

/** Small formatting helpers shared by the CLI's tables. */

export function formatAge(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 1) return `${Math.round(seconds * 1_000)}ms`;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${Math.floor(seconds % 60)}s`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours}h ${minutes % 60}m` : `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

export function formatTime(date: Date | null): string {
  return date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-';
}

/** "1 event", "2 events": a count with its noun. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/* eslint-disable no-control-regex -- matching control characters is their point */
/**
 * Terminal escape sequences, removed whole so that their parameters do not show as litter: CSI
 * (colours, cursor moves, clearing the screen: ESC [ ... final byte), OSC (window titles,
 * hyperlinks: ESC ] ... BEL or ESC \), the string sequences DCS, SOS, PM and APC (ESC P, X, ^ or _
 * ... ESC \), the short ones (ESC 7, ESC c, ESC ( B), a lone ESC, and CSI in its one-character
 * form (U+009B).
 */
const ESCAPE_SEQUENCE =
  /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|[ -/]*[0-~])?|\x9b[0-?]*[ -/]*[@-~]/g;
const LINE_BREAK = /[\t\n\v\f\r\u2028\u2029]/g;
/**
 * C0 (but the line breaks above), DEL and C1: what a terminal acts on rather than shows; and the
 * bidirectional embeddings, overrides and isolates, which would reorder the rest of a table's line.
 */
const CONTROL = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

/**
 * Text that comes from outside (a subscriber's response body, quoted in an error) made safe to
 * print on one line of a terminal: a body could otherwise clear the screen, move the cursor over
 * the table, retitle the window or hide the rest of the line. Escape sequences go, line breaks
 * become spaces, any other control character shows as U+FFFD. JSON output needs none of this:
 * JSON.stringify escapes them.
 */
export function printable(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(LINE_BREAK, ' ').replace(CONTROL, '\ufffd');
}

/** Outside text for a table cell or a line: printable, whitespace collapsed, at most `width` long. */
export function truncate(text: string | null, width: number): string {
  if (!text) return '-';
  const line = printable(text).replace(/\s+/g, ' ');
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}

/** A plain table: no colours, so the output reads the same in a terminal, a pipe or a README. */
export function createTable(head: string[]): Table.Table {
  return new Table({ head, style: { head: [], border: [] } });
}
