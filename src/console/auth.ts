import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LoginThrottle } from './login-throttle.js';
import { HttpProblem } from './problem.js';
import { csrfMatches, SESSION_COOKIE, SESSION_IDLE_MS, Sessions, type Session } from './sessions.js';
import type { Role, UserDirectory } from './users.js';

export interface AuthOptions {
  users: UserDirectory;
  /** Cookies are marked Secure when the console is served over TLS. */
  secure: boolean;
  throttle?: LoginThrottle;
  sessions?: Sessions;
}

/** Paths anyone may reach without logging in. */
const PUBLIC_PATHS = new Set(['/login', '/api/v1/session', '/api/v1/openapi.json', '/static/console.css', '/static/console.js', '/favicon.ico']);

const sessionsOf = new WeakMap<FastifyRequest, Session>();

/** The request's session (every request has one: a visitor's, until login). */
export function sessionOf(request: FastifyRequest): Session {
  const session = sessionsOf.get(request);
  if (session === undefined) throw new Error('no session: the auth hook did not run');
  return session;
}

export function isApi(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/');
}

/** The CSRF token a POST carries: the form field `_csrf`, or the `x-csrf-token` header. */
function sentToken(request: FastifyRequest): unknown {
  const header = request.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const body = request.body;
  return typeof body === 'object' && body !== null && '_csrf' in body ? body._csrf : undefined;
}

export class Auth {
  readonly sessions: Sessions;
  readonly throttle: LoginThrottle;

  constructor(private readonly options: AuthOptions) {
    this.sessions = options.sessions ?? new Sessions();
    this.throttle = options.throttle ?? new LoginThrottle();
  }

  /**
   * Every request: its session is found or started (cookie HttpOnly,
   * SameSite=Strict, Secure under TLS); a page or API answer needs a user,
   * except the login and the public documents; a POST needs the session's
   * CSRF token, the login's included.
   */
  register(app: FastifyInstance): void {
    app.addHook('onRequest', async (request, reply) => {
      const cookies = parseCookies(request.headers.cookie ?? '');
      let session = this.sessions.get(cookies[SESSION_COOKIE]);
      if (session === undefined) {
        session = this.sessions.create();
        this.setCookie(reply, session);
      }
      sessionsOf.set(request, session);
      const path = request.url.split('?')[0] ?? '';
      if (PUBLIC_PATHS.has(path) || path === '/metrics') return undefined;
      if (session.user === undefined) {
        if (isApi(request) || request.method !== 'GET') return this.refuse(request, reply, 401, 'log in first: POST /api/v1/session');
        return reply.redirect(`/login?next=${encodeURIComponent(request.url.startsWith('/') && !request.url.startsWith('//') ? request.url : '/')}`, 303);
      }
      // A user removed or demoted since they logged in loses what they had.
      const user = await this.current(session);
      if (user === undefined) {
        this.sessions.end(session);
        return this.refuse(request, reply, 401, 'your user no longer exists; log in again');
      }
      return undefined;
    });
    // After the body is parsed (the form's field may carry the token), before anything reads it.
    app.addHook('preValidation', async (request, reply) => {
      if (request.method !== 'POST' || csrfMatches(sessionOf(request), sentToken(request))) return undefined;
      return this.refuse(request, reply, 403, 'missing or wrong CSRF token: reload the page (or GET /api/v1/session for the token) and try again');
    });
  }

  /** The user as the users file says now; undefined when they are gone. */
  private async current(session: Session): Promise<{ name: string; role: Role } | undefined> {
    const name = session.user?.name;
    const record = (await this.options.users.list()).find((user) => user.name === name);
    if (record === undefined || session.user === undefined) return undefined;
    session.user.role = record.role;
    return session.user;
  }

  /** Tries a login; the new session on success, else why not (and, when throttled, for how long). */
  async login(request: FastifyRequest, reply: FastifyReply, username: string, password: string): Promise<{ session: Session } | { error: string; status: 401 | 429; retryAfter?: number }> {
    const address = request.ip;
    const wait = this.throttle.retryAfter(username, address);
    if (wait > 0) return { error: `too many failed logins; try again in ${String(wait)} s`, status: 429, retryAfter: wait };
    const user = await this.options.users.authenticate(username, password);
    if (user === undefined) {
      this.throttle.failed(username, address);
      return { error: 'wrong user name or password', status: 401 };
    }
    this.throttle.succeeded(username);
    const session = this.sessions.login(sessionOf(request), user);
    sessionsOf.set(request, session);
    this.setCookie(reply, session);
    return { session };
  }

  logout(request: FastifyRequest, reply: FastifyReply): void {
    this.sessions.end(sessionOf(request));
    const fresh = this.sessions.create();
    sessionsOf.set(request, fresh);
    this.setCookie(reply, fresh);
  }

  /** Throws a 403 unless the session's user is an operator. */
  requireOperator(request: FastifyRequest): void {
    if (sessionOf(request).user?.role !== 'operator') throw new HttpProblem(403, 'this action needs the operator role');
  }

  private setCookie(reply: FastifyReply, session: Session): void {
    void reply.header('set-cookie', serializeCookie(SESSION_COOKIE, session.id, {
      httpOnly: true, sameSite: 'strict', secure: this.options.secure, path: '/', maxAge: Math.floor(SESSION_IDLE_MS / 1000),
    }));
  }

  private refuse(request: FastifyRequest, reply: FastifyReply, statusCode: 401 | 403, message: string): FastifyReply {
    const error = statusCode === 401 ? 'Unauthorized' : 'Forbidden';
    if (isApi(request) || request.headers.accept?.includes('application/json') === true) {
      return reply.code(statusCode).type('application/json').send({ statusCode, error, message });
    }
    return reply.code(statusCode).type('text/plain; charset=utf-8').send(`${String(statusCode)} ${error}: ${message}\n`);
  }
}
