import { describe, expect, it } from '@jest/globals';
import { findOutsideReferences } from './outside-references.js';
import { readTrackedText, trackedFiles } from './tracked-files.js';

// The lock file is generated (package names and hashes), and this folder quotes the patterns.
const NOT_SCANNED = new Set([
  'package-lock.json',
  'test/repository/outside-references.ts',
  'test/repository/outside-references.unit.test.ts',
]);

// The examples are spliced so that this file does not match its own patterns.
const D = 'DES' + 'IGN';
const I = 'iss' + 'ue';
const UP = '..' + '/';

describe('findOutsideReferences', () => {
  it.each([
    [`see ${D} §4.2 for why`, true],
    [`as ${D} 7 says`, true],
    [`${D} section 3`, true],
    [`written in ${D}.md`, true],
    [`docs/${D.toLowerCase()}.md`, true],
    [`from ${UP}sh${'ared'}/${D}`, true],
    [`from ${UP}${UP}sh${'ared'}/${D.toLowerCase()}-notes.md`, true],
    [`targets of ${I} 7 not met`, true],
    [`${I} #7`, true],
    [`${I}s 3 and 4`, true],
    [`${I.toUpperCase()}#12`, true],
    ['fixes #12', true],
    ['closes #3', true],
    ['the design of the relay', false],
    [`import { x } from "${UP}sh${'ared'}/db/pool.js"`, false],
    ['an issue the relay solves', false],
    ['docs/decisions/fence-per-database.md', false],
    ['color: #123456', false],
    ['RFC 9457 §3.1', false],
  ])('%j -> %s', (line, expected) => {
    expect(findOutsideReferences(line).length > 0).toBe(expected);
  });

  it('names the line of each reference', () => {
    expect(findOutsideReferences(`one\ntwo, ${I} 9\nthree`)).toEqual([{ line: 2, text: `two, ${I} 9` }]);
  });
});

describe('the tracked files', () => {
  it('refer to no document outside the repository and to no issue number', () => {
    const found = trackedFiles()
      .filter((path) => !NOT_SCANNED.has(path))
      .flatMap((path) => {
        const text = readTrackedText(path);
        if (text === null) return [];
        return findOutsideReferences(text).map(({ line, text: quoted }) => `${path}:${line}: ${quoted}`);
      });
    expect(found).toEqual([]);
  });
});
