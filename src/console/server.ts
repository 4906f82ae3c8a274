import { readFile, stat } from 'node:fs/promises';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Logger } from '../log/index.js';
import { Events } from '../log/index.js';
import { registerApi } from './api-routes.js';
import { Auth } from './auth.js';
import { registerMetrics } from './metrics-route.js';
import { ConsoleModel } from './model.js';
import { registerPages } from './page-routes.js';
import { HttpProblem, STATUS_NAMES, type ProblemStatus } from './problem.js';
import { SESSION_COOKIE, type Sessions } from './sessions.js';
import type { ConsoleSource } from './source.js';
import { registerEvents } from './sse.js';
import type { LoginThrottle } from './login-throttle.js';
import type { UserDirectory } from './users.js';

export interface HttpAddress {
  host: string;
  port: number;
}

/** `--http PORT` (on 127.0.0.1), `--http HOST:PORT` or `--http [V6]:PORT`; a string says what is wrong. */
export function parseHttpAddress(text: string): HttpAddress | string {
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):)?(\d{1,5})$/.exec(text.trim());
  const port = Number(m?.[2]);
  if (m === null || !Number.isInteger(port) || port > 65535) return `--http: expected PORT or ADDRESS:PORT, got ${JSON.stringify(text.slice(0, 80))}`;
  const host = m[1] === undefined ? '127.0.0.1' : m[1].replace(/^\[|\]$/g, '');
  return { host, port };
}

export interface ConsoleOptions {
  address: HttpAddress;
  source: ConsoleSource;
  users: UserDirectory;
  logger: Logger;
  /** --http-cert / --http-key: PEM files; both or neither. */
  tls?: { certFile: string; keyFile: string };
  /** For tests: a login throttle or session store with other limits or clocks. */
  throttle?: LoginThrottle;
  sessions?: Sessions;
}

export interface RunningConsole {
  /** Where it answers, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

/** Security headers on every answer: no framing, no sniffing, scripts and styles from this server only, nothing cached. */
const HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

async function tlsOf(tls: NonNullable<ConsoleOptions['tls']>): Promise<{ cert: Buffer; key: Buffer }> {
  const info = await stat(tls.keyFile).catch(() => undefined);
  if (info === undefined) throw new HttpSetupError(`--http-key ${tls.keyFile}: cannot read`);
  if ((info.mode & 0o077) !== 0) throw new HttpSetupError(`--http-key ${tls.keyFile}: readable by others (mode ${(info.mode & 0o777).toString(8)}); chmod 600 it`);
  const read = (path: string, flag: string): Promise<Buffer> => readFile(path).catch(() => { throw new HttpSetupError(`${flag} ${path}: cannot read`); });
  return { cert: await read(tls.certFile, '--http-cert'), key: await read(tls.keyFile, '--http-key') };
}

/** The console cannot start: a TLS file or the address is wrong. */
export class HttpSetupError extends Error {}

/** Builds the console's routes on a new Fastify server (not listening yet). */
export async function buildConsole(options: Omit<ConsoleOptions, 'address'>): Promise<FastifyInstance> {
  const https = options.tls === undefined ? null : await tlsOf(options.tls);
  const app = Fastify({
    logger: false,
    ...(https === null ? {} : { https }),
    // The answer to an action comes when the device work is done: a remediation may take minutes.
    requestTimeout: 0,
    bodyLimit: 64 * 1024,
    forceCloseConnections: true,
    trustProxy: false,
  });
  await app.register(formbody);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'onramp console API', version: '1',
        description: 'Sites, devices, events, backups and plans of an onramp appliance, and the operator\'s actions. Log in with POST /api/v1/session; send the session\'s CSRF token in x-csrf-token with every POST.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
        },
      },
      security: [{ session: [] }],
    },
    // The document describes the API only; the pages are for people.
    transform: ({ schema, url }) => ({ schema: url.startsWith('/api/') ? schema : { ...schema, hide: true }, url }),
  });
  const auth = new Auth({
    users: options.users, secure: https !== null,
    ...(options.throttle === undefined ? {} : { throttle: options.throttle }), ...(options.sessions === undefined ? {} : { sessions: options.sessions }),
  });
  auth.register(app);
  app.addHook('onSend', async (request, reply) => {
    for (const [name, value] of Object.entries(HEADERS)) void reply.header(name, value);
    if (!request.url.startsWith('/static/')) void reply.header('cache-control', 'no-store');
  });
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const api = request.url.startsWith('/api/') || request.headers.accept?.includes('application/json') === true;
    let statusCode: number;
    let message: string;
    if (err instanceof HttpProblem) {
      statusCode = err.statusCode;
      message = err.message;
      if (err.retryAfter !== undefined) void reply.header('retry-after', String(err.retryAfter));
    } else if (err.validation !== undefined || (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500)) {
      statusCode = err.statusCode ?? 400;
      message = err.message;
    } else {
      // Nothing of an unexpected error reaches the answer: its message may quote anything.
      options.logger.error({ err, url: request.url.slice(0, 200) }, 'console request failed');
      statusCode = 500;
      message = 'internal error; see the onramp log';
    }
    const error = statusCode in STATUS_NAMES ? STATUS_NAMES[statusCode as ProblemStatus] : statusCode === 500 ? 'Internal Server Error' : 'Error';
    if (api) return reply.code(statusCode).type('application/json').send({ statusCode, error, message });
    return reply.code(statusCode).type('text/plain; charset=utf-8').send(`${String(statusCode)} ${error}: ${message}\n`);
  });
  const model = new ConsoleModel(options.source);
  registerPages(app, model, auth);
  registerApi(app, model, auth);
  registerEvents(app, options.source.journal);
  registerMetrics(app, options.source.metrics);
  app.get('/api/v1/openapi.json', {
    schema: { summary: 'this document (OpenAPI 3.1)', tags: ['meta'], security: [], response: { 200: Type.Object({}, { additionalProperties: true }) } },
  }, () => app.swagger());
  return app;
}

/** Starts the console: built, listening, its URL logged (event console.listening). */
export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const app = await buildConsole(options);
  try {
    await app.listen({ host: options.address.host, port: options.address.port });
  } catch (err) {
    await app.close();
    const code = (err as NodeJS.ErrnoException).code;
    throw new HttpSetupError(`--http ${options.address.host}:${String(options.address.port)}: cannot listen (${code ?? (err as Error).message})`);
  }
  const bound = app.server.address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : options.address.port;
  const host = options.address.host.includes(':') ? `[${options.address.host}]` : options.address.host;
  const url = `${options.tls === undefined ? 'http' : 'https'}://${host}:${String(port)}`;
  options.logger.info({ event: Events.consoleListening, url, mode: options.source.mode }, `console at ${url}`);
  return {
    url, app,
    close: async () => {
      await app.close();
      await options.source.close();
    },
  };
}
