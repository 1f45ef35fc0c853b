/**
 * References a reader of this repository cannot follow: documents kept outside it (a design
 * document by section or by file name, a path climbing out of the checkout into a sibling
 * `shared/` folder) and issue numbers of a tracker that is not part of the checkout. Everything a
 * reader needs must be here, in README.md and docs/.
 */
const OUTSIDE_REFERENCE_PATTERNS: readonly RegExp[] = [
  // "DESIGN §4.2", "DESIGN 4", "DESIGN section 3": a section of a document that is not here.
  /\bDESIGN\s*(?:§\s*|sections?\s+|sec\.\s*)?\d/,
  // "DESIGN.md", "design.md", in any folder.
  /\bdesign\.md\b/i,
  // "../shared/DESIGN", "../../shared/design-notes": a path out of the checkout.
  /(?:\.\.\/)+shared\/design/i,
  // "issue 7", "issue #7", "issues 3 and 4", "Issue#12".
  /\bissues?\s*#?\s*\d/i,
  // "fixes #12", "closes #3", "resolved #4": a tracker's numbers.
  /\b(?:fix(?:es|ed)?|close[sd]?|resolve[sd]?|see)\s+#\d/i,
];

export type OutsideReference = { line: number; text: string };

/** Every line of `text` (1-based) that refers to something outside the repository. */
export function findOutsideReferences(text: string): OutsideReference[] {
  const found: OutsideReference[] = [];
  text.split('\n').forEach((line, index) => {
    if (OUTSIDE_REFERENCE_PATTERNS.some((pattern) => pattern.test(line))) {
      found.push({ line: index + 1, text: line.trim() });
    }
  });
  return found;
}
