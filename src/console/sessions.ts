import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from './users.js';

/** Idle sessions end after this long. */
export const SESSION_IDLE_MS = 8 * 60 * 60 * 1000;
export const SESSION_COOKIE = 'onramp_session';
const MAX_SESSIONS = 10_000;

export interface Session {
  id: string;
  /** Absent until someone logs in: a visitor's session only carries the CSRF token of the login form. */
  user?: { name: string; role: Role };
  /** Sent back with every POST (form field `_csrf` or header `x-csrf-token`). */
  csrf: string;
  lastSeen: number;
}

function token(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Sessions in memory: a restart logs everyone out, which is what an
 * appliance that was restarted should do. The id is the cookie's value; it
 * changes at login so that an id planted before it is worth nothing after.
 */
export class Sessions {
  private readonly byId = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The live session with this id; it is kept alive by being used. */
  get(id: string | undefined): Session | undefined {
    if (id === undefined) return undefined;
    const session = this.byId.get(id);
    if (session === undefined) return undefined;
    if (this.now() - session.lastSeen > SESSION_IDLE_MS) {
      this.byId.delete(id);
      return undefined;
    }
    session.lastSeen = this.now();
    return session;
  }

  /** A new visitor's session (no user yet). */
  create(): Session {
    if (this.byId.size >= MAX_SESSIONS) this.sweep();
    const session: Session = { id: token(), csrf: token(), lastSeen: this.now() };
    this.byId.set(session.id, session);
    return session;
  }

  /** Logged in: a fresh id and token for the user; the old session is gone. */
  login(previous: Session | undefined, user: { name: string; role: Role }): Session {
    if (previous !== undefined) this.byId.delete(previous.id);
    const session = this.create();
    session.user = user;
    return session;
  }

  end(session: Session): void {
    this.byId.delete(session.id);
  }

  /** Ends every session of a user (removed, or their role changed). */
  endUser(name: string): void {
    for (const [id, session] of this.byId) if (session.user?.name === name) this.byId.delete(id);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, session] of this.byId) if (now - session.lastSeen > SESSION_IDLE_MS) this.byId.delete(id);
    // Still full: the least recently used visitors go first.
    if (this.byId.size >= MAX_SESSIONS) {
      const visitors = [...this.byId.values()].filter((session) => session.user === undefined).sort((a, b) => a.lastSeen - b.lastSeen);
      for (const session of visitors.slice(0, Math.ceil(MAX_SESSIONS / 10))) this.byId.delete(session.id);
    }
  }
}

/** Whether the token sent with a POST is the session's, compared in constant time. */
export function csrfMatches(session: Session, sent: unknown): boolean {
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}
