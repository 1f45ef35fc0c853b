import { tsImport } from 'tsx/esm/api';

export default async function globalTeardown() {
  const { tearDownTestPostgres } = await tsImport('./postgres-teardown.ts', import.meta.url);
  await tearDownTestPostgres();
}
