import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { PG_USER, startCluster } from './support/postgres.js';

// The throwaway server the store tests run against: password login on a loopback port, data kept across a restart.
void test('a test cluster takes the password, refuses a wrong one, and keeps its data across a restart', async (t) => {
  const cluster = await startCluster(t);
  if (cluster === undefined) return;
  await cluster.createDatabase('cluster_check');
  const at = { host: '127.0.0.1', port: cluster.port, user: PG_USER, database: 'cluster_check' };
  const client = await cluster.client('cluster_check');
  await client.query('CREATE TABLE kept (n int)');
  await client.query('INSERT INTO kept VALUES (42)');
  await client.end();
  const wrong = new pg.Client({ ...at, password: 'not-it' });
  await assert.rejects(wrong.connect(), /password authentication failed for user "onramp"/);
  await cluster.stop();
  const down = new pg.Client({ ...at, password: cluster.password, connectionTimeoutMillis: 2000 });
  await assert.rejects(down.connect(), /ECONNREFUSED/);
  await cluster.start();
  const again = await cluster.client('cluster_check');
  const { rows } = await again.query<{ n: number; who: string }>('SELECT n, current_user AS who FROM kept');
  assert.deepEqual(rows, [{ n: 42, who: PG_USER }]);
});
