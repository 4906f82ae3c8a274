import type { TestContext } from 'node:test';
import { createCluster, postgresBinaries, type PgCluster } from './pg-cluster.js';
import { requireSystem } from './system.js';

export { PG_USER, postgresBinaries } from './pg-cluster.js';

/** A throwaway PostgreSQL server on a loopback port, with a password-protected superuser. */
export type TestCluster = Omit<PgCluster, 'destroy'>;

/**
 * initdb into a temporary folder and starts the server on a free loopback
 * port, as `nobody` when the tests run as root; stopped and removed after the
 * test. Skips the test when the PostgreSQL binaries are not installed (fails
 * instead under ONRAMP_REQUIRE_SYSTEM_TESTS=1); undefined then.
 */
export async function startCluster(t: TestContext): Promise<TestCluster | undefined> {
  const bin = postgresBinaries();
  if (!requireSystem(t, 'PostgreSQL (initdb, pg_ctl)', bin !== undefined, 'apt-get install postgresql')) return undefined;
  if (bin === undefined) return undefined;
  const cluster = await createCluster(bin);
  t.after(() => cluster.destroy());
  return cluster;
}
