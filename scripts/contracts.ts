/**
 * `npm run contracts [-- <directory>]`: writes every OpenAPI document and the AsyncAPI document
 * as JSON files under <directory> (default dist/contracts), for tools and reviewers that want files
 * rather than a running service. Nothing it writes is committed: the services serve the same
 * documents, generated from the code.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { contractDocuments } from './contract-documents.js';

const outDir = process.argv[2] ?? 'dist/contracts';
for (const [file, document] of Object.entries(contractDocuments())) {
  const path = join(outDir, file);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`wrote ${path}`);
}
