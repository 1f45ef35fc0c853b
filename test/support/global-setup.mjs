// Jest loads globalSetup outside its own module system and transform, so this thin shim lets tsx
// load the TypeScript (ESM, `.js` specifiers) that does the work.
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  const { setUpTestPostgres } = await tsImport('./postgres-setup.ts', import.meta.url);
  await setUpTestPostgres();
}
