/** A relative link of a Markdown document: the path (empty for `#anchor` alone) and its anchor. */
export type RelativeLink = { line: number; path: string; anchor: string | null };

const FENCE = /^\s*(```|~~~)/;
const INLINE_CODE = /`[^`]*`/g;
// [text](target) and ![alt](target); the target ends at a space (a title may follow) or ")".
const LINK = /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i; // https:, mailto:, ...

/** Every relative link outside code blocks and code spans, with its 1-based line. */
export function relativeLinks(markdown: string): RelativeLink[] {
  const links: RelativeLink[] = [];
  let inFence = false;
  markdown.split('\n').forEach((line, index) => {
    if (FENCE.test(line)) {
      inFence = !inFence;
      return;
    }
    if (inFence) return;
    for (const match of line.replace(INLINE_CODE, '').matchAll(LINK)) {
      const target = match[1]!;
      if (EXTERNAL.test(target)) continue;
      const hash = target.indexOf('#');
      links.push({
        line: index + 1,
        path: decodeURI(hash === -1 ? target : target.slice(0, hash)),
        anchor: hash === -1 ? null : decodeURIComponent(target.slice(hash + 1)),
      });
    }
  });
  return links;
}

/**
 * The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces turned
 * into hyphens, and "-1", "-2", ... after a repeated one.
 */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (FENCE.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = heading[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}
