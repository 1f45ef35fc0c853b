#!/usr/bin/env node
// Runs the built CLI when there is a build (production images), else the TypeScript sources via tsx.
import { existsSync } from 'node:fs';

const built = new URL('../dist/services/cli/main.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../services/cli/main.ts', import.meta.url).href);
}
