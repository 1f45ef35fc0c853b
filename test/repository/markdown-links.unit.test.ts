import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { PROJECT_ROOT } from '../support/fixture-process.js';
import { headingAnchors, relativeLinks } from './markdown-links.js';
import { trackedFiles } from './tracked-files.js';

describe('relativeLinks', () => {
  it.each([
    ['[ops](docs/operations.md)', [{ line: 1, path: 'docs/operations.md', anchor: null }]],
    [
      '[fence](docs/architecture.md#the-fence)',
      [{ line: 1, path: 'docs/architecture.md', anchor: 'the-fence' }],
    ],
    ['[here](#layout)', [{ line: 1, path: '', anchor: 'layout' }]],
    ['![diagram](img/a%20b.png "title")', [{ line: 1, path: 'img/a b.png', anchor: null }]],
    ['[site](https://example.org/x.md) and [mail](mailto:a@b.c)', []],
    ['`[not a link](nowhere.md)`', []],
    ['```\n[not a link](nowhere.md)\n```', []],
    [
      'one\n[two](b.md) [three](c.md)',
      [
        { line: 2, path: 'b.md', anchor: null },
        { line: 2, path: 'c.md', anchor: null },
      ],
    ],
  ])('%j', (markdown, expected) => {
    expect(relativeLinks(markdown)).toEqual(expected);
  });
});

describe('headingAnchors', () => {
  it('names headings as GitHub does', () => {
    const markdown = [
      '# Order outbox',
      '### `POST /events`: the delivery contract (every subscriber)',
      '## Run it',
      '## Run it',
      '```',
      '# not a heading',
      '```',
    ].join('\n');
    expect([...headingAnchors(markdown)]).toEqual([
      'order-outbox',
      'post-events-the-delivery-contract-every-subscriber',
      'run-it',
      'run-it-1',
    ]);
  });
});

const documents = trackedFiles().filter(
  (path) => path === 'README.md' || path === 'bench/README.md' || /^docs\/.*\.md$/.test(path),
);

describe('the documentation', () => {
  it('has a README and a docs folder to check', () => {
    expect(documents).toContain('README.md');
    expect(documents.some((path) => path.startsWith('docs/'))).toBe(true);
  });

  it('links only to files that exist, and to headings they have', () => {
    const broken = documents.flatMap((document) => {
      const text = readFileSync(join(PROJECT_ROOT, document), 'utf8');
      return relativeLinks(text).flatMap(({ line, path, anchor }) => {
        const target = path === '' ? document : normalize(join(dirname(document), path));
        const where = `${document}:${line}: ${path}${anchor === null ? '' : `#${anchor}`}`;
        const absolute = join(PROJECT_ROOT, target);
        if (!existsSync(absolute)) return [`${where} (no such file)`];
        if (anchor === null || anchor === '' || !target.endsWith('.md') || statSync(absolute).isDirectory()) {
          return [];
        }
        const anchors = headingAnchors(readFileSync(absolute, 'utf8'));
        return anchors.has(anchor) ? [] : [`${where} (no such heading)`];
      });
    });
    expect(broken).toEqual([]);
  });
});
