import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildConsole, stateSource, Users, LoginThrottle } from '../../src/console/index.js';
import { silentLogger } from '../../src/log/index.js';
import { StateStore } from '../../src/state/index.js';
import { writeTree } from '../onboard-fakes.js';

const ROOT = join(import.meta.dirname, '..', '..');

export const OPERATOR = { name: 'olga', password: 'operator-Passw0rd' };
export const VIEWER = { name: 'victor', password: 'viewer-Passw0rd' };

export const SITE_YAML = `name: hq
subnets: [10.77.0.0/24]
credentials: { username: admin, passwordEnv: ONRAMP_HQ_PASSWORD }
factoryCredentials: { username: admin, passwordEnv: ONRAMP_FACTORY_PASSWORD }
devices:
  - { hostname: FS-S5850-CORE1, model: fs-s5850, ip: 10.77.0.10, baseline: FS-S5850-CORE1.cfg }
  - { hostname: FS-S5850-SRV, model: fs-s5850, ip: 10.77.0.11, baseline: FS-S5850-SRV.cfg }
portmap:
  - { uplink: { device: FS-S5850-CORE1, port: eth-0-12 }, hostname: FS-S3900-ACC1, model: fs-s3900 }
  - { mac: "be:b5:de:01:12:a1", hostname: FS-S3900-ACC2, model: fs-s3900 }
`;

export interface ConsoleFixture {
  dir: string;
  state: StateStore;
  app: FastifyInstance;
  close: () => Promise<void>;
}

/** A state directory with a site, an operator and a viewer, served read-only by a console that is not listening (inject()). */
export async function consoleOnState(files: Record<string, string> = {}, throttle?: LoginThrottle): Promise<ConsoleFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'onramp-console-'));
  const baseline = (name: string): Promise<string> => readFile(join(ROOT, 'baselines', 'hq', `${name}.cfg`), 'utf8');
  await writeTree(dir, {
    'sites/hq/site.yaml': SITE_YAML, 'sites/hq/FS-S5850-CORE1.cfg': await baseline('FS-S5850-CORE1'), 'sites/hq/FS-S5850-SRV.cfg': await baseline('FS-S5850-SRV'), ...files,
  });
  const users = new Users(join(dir, 'state', 'users.json'));
  await users.add(OPERATOR.name, 'operator', OPERATOR.password);
  await users.add(VIEWER.name, 'viewer', VIEWER.password);
  const state = new StateStore(join(dir, 'state'));
  const source = await stateSource({ state, sitesDir: join(dir, 'sites'), templatesDir: join(ROOT, 'templates'), logger: silentLogger() });
  const app = await buildConsole({ source, users, logger: silentLogger(), ...(throttle === undefined ? {} : { throttle }) });
  return {
    dir, state, app,
    close: async () => {
      await app.close();
      await source.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A cookie jar over inject(): what a browser does with the session cookie. */
export class Client {
  private cookie = '';
  csrf = '';

  constructor(private readonly app: FastifyInstance, readonly address = '127.0.0.1') {}

  async request(method: 'GET' | 'POST', url: string, options: { json?: unknown; form?: Record<string, string>; csrf?: boolean; accept?: string } = {}): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = { cookie: this.cookie };
    if (options.accept !== undefined) headers.accept = options.accept;
    if (method === 'POST' && options.csrf !== false && options.form === undefined) headers['x-csrf-token'] = this.csrf;
    let payload: string | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(options.json);
    } else if (options.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams({ ...(options.csrf === false ? {} : { _csrf: this.csrf }), ...options.form }).toString();
    } else if (method === 'POST') {
      headers['content-type'] = 'application/json';
      payload = '{}';
    }
    const response = await this.app.inject({ method, url, headers, remoteAddress: this.address, ...(payload === undefined ? {} : { payload }) });
    const set = response.headers['set-cookie'];
    const first = Array.isArray(set) ? set[0] : set;
    if (typeof first === 'string') this.cookie = first.split(';')[0] ?? '';
    return response;
  }

  /** The Cookie header this client sends. */
  cookieHeader(): string {
    return this.cookie;
  }

  /** GET /api/v1/session: the session's CSRF token. */
  async session(): Promise<{ user?: string; role?: string; csrfToken: string }> {
    const body = (await this.request('GET', '/api/v1/session')).json<{ user?: string; role?: string; csrfToken: string }>();
    this.csrf = body.csrfToken;
    return body;
  }

  async login(user: { name: string; password: string }): Promise<LightMyRequestResponse> {
    await this.session();
    const response = await this.request('POST', '/api/v1/session', { json: { username: user.name, password: user.password } });
    if (response.statusCode === 200) this.csrf = response.json<{ csrfToken: string }>().csrfToken;
    return response;
  }
}
