/**
 * References a reader of this repository cannot follow: documents kept outside it (a design
 * document by section or by file name, a path climbing out of the checkout into a sibling
 * `shared/` folder) and issue numbers of a tracker that is not part of the checkout. Everything a
 * reader needs must be here, in README.md and docs/.
 */
const OUTSIDE_REFERENCE_PATTERNS: readonly RegExp[] = [
  // The design document by section (its name, then an optional section sign or "section", then a
  // number): a section of a document that is not here.
  /\bDESIGN\s*(?:§\s*|sections?\s+|sec\.\s*)?\d/,
  // The design document by file name, in any case and any folder.
  /\bdesign\.md\b/i,
  // A path climbing out of the checkout into a sibling shared folder, to a design document.
  /(?:\.\.\/)+shared\/design/i,
  // The word for a tracker entry, singular or plural, then an optional "#", then a number.
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
