import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Book, SharedStore } from '../state/index.js';

export type Role = 'viewer' | 'operator';
export const ROLES: readonly Role[] = ['viewer', 'operator'];

/** A console user as the users file keeps them: the password only as an scrypt hash. */
export interface UserRecord {
  name: string;
  role: Role;
  /** `scrypt$N$r$p$SALT$HASH`, salt and hash in base64. */
  hash: string;
}

interface UsersFile {
  version: 1;
  users: UserRecord[];
}

/** Cost parameters: about 50 ms per hash on a small appliance, 16 MiB of memory. */
const SCRYPT = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
export const MIN_PASSWORD_LENGTH = 8;

export class UsersFileError extends Error {}

export function isUserName(name: string): boolean {
  return USER_NAME.test(name);
}

function derive(password: string, salt: Buffer, options: ScryptOptions & { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, { ...options, maxmem: 64 * 1024 * 1024 }, (err, key) => {
      if (err === null) resolve(key);
      else reject(err);
    });
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Whether `password` is the one `hash` was made from; a malformed hash matches nothing. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const [kind, n, r, p, salt, key] = hash.split('$');
  if (kind !== 'scrypt' || salt === undefined || key === undefined) return false;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (![params.N, params.r, params.p].every((value) => Number.isSafeInteger(value) && value > 0)) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), params);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A user as kept, checked field by field; `at` names it in the error. */
function checkedUser(user: Partial<UserRecord>, at: string): UserRecord {
  if (typeof user.name !== 'string' || !isUserName(user.name)) throw new UsersFileError(`${at}: name: expected a user name`);
  if (user.role === undefined || !ROLES.includes(user.role)) throw new UsersFileError(`${at}: role: expected ${ROLES.join(' or ')}`);
  if (typeof user.hash !== 'string' || !user.hash.startsWith('scrypt$')) throw new UsersFileError(`${at}: hash: expected an scrypt hash`);
  return { name: user.name, role: user.role, hash: user.hash };
}

/**
 * The console's users, each a name, a role and an scrypt hash, wherever they
 * are kept. Read again at each login, so `onramp users add` takes effect
 * without a restart.
 */
export abstract class UserDirectory {
  /** Where they are kept, for messages. */
  abstract readonly where: string;

  abstract list(): Promise<UserRecord[]>;

  /** Changes the users with nothing else changing them between the read and the write. */
  protected abstract update(change: (users: UserRecord[]) => UserRecord[]): Promise<void>;

  /** The user, when `password` is theirs. */
  async authenticate(name: string, password: string): Promise<{ name: string; role: Role } | undefined> {
    const user = (await this.list()).find((candidate) => candidate.name === name);
    // A name that does not exist costs the same hash: how long a login takes does not tell which names exist.
    const matched = await verifyPassword(password, user?.hash ?? await dummyHash());
    return user !== undefined && matched ? { name: user.name, role: user.role } : undefined;
  }

  /** Adds a user, or changes the password and role of one that exists. */
  async add(name: string, role: Role, password: string): Promise<'added' | 'updated'> {
    if (!isUserName(name)) throw new UsersFileError(`not a user name: ${JSON.stringify(name.slice(0, 80))} (letters, digits, . _ @ -)`);
    if (password.length < MIN_PASSWORD_LENGTH) throw new UsersFileError(`the password must be at least ${String(MIN_PASSWORD_LENGTH)} characters`);
    const record: UserRecord = { name, role, hash: await hashPassword(password) };
    let done: 'added' | 'updated' = 'added';
    await this.update((users) => {
      const index = users.findIndex((user) => user.name === name);
      done = index >= 0 ? 'updated' : 'added';
      return index >= 0 ? users.map((user, at) => (at === index ? record : user)) : [...users, record];
    });
    return done;
  }

  async remove(name: string): Promise<boolean> {
    let removed = false;
    await this.update((users) => {
      const kept = users.filter((user) => user.name !== name);
      removed = kept.length < users.length;
      return kept;
    });
    return removed;
  }
}

/**
 * The users of one box: a JSON file readable by its owner only (a file
 * others may read is refused, as a password file is).
 */
export class Users extends UserDirectory {
  constructor(readonly path: string) {
    super();
  }

  get where(): string {
    return this.path;
  }

  async list(): Promise<UserRecord[]> {
    let text: string;
    try {
      const info = await stat(this.path);
      if ((info.mode & 0o077) !== 0) {
        throw new UsersFileError(`${this.path}: readable by others (mode ${(info.mode & 0o777).toString(8)}); chmod 600 it`);
      }
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    let file: Partial<UsersFile>;
    try {
      file = JSON.parse(text) as Partial<UsersFile>;
    } catch (err) {
      throw new UsersFileError(`${this.path}: not valid JSON (${(err as Error).message})`);
    }
    if (!Array.isArray(file.users)) throw new UsersFileError(`${this.path}: users: expected a list`);
    return file.users.map((user, index) => checkedUser(user, `${this.path}: users[${String(index)}]`));
  }

  protected async update(change: (users: UserRecord[]) => UserRecord[]): Promise<void> {
    const users = change(await this.list());
    const dir = dirname(this.path);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = join(dir, `.users-${String(process.pid)}.tmp`);
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify({ version: 1, users } satisfies UsersFile, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(temp, 0o600);
    await rename(temp, this.path);
  }
}

/** By user name. Only ever kept in a database: on one box the users are the 0600 file above. */
const USERS_BOOK: Book<Partial<UserRecord>> = { name: 'console-users', file: 'users.json' };

/**
 * The users every appliance sharing a database accepts, one record each in
 * that database (`onramp users add --store …`): add one once, log in to the
 * console of any appliance.
 */
export class SharedUsers extends UserDirectory {
  constructor(private readonly store: SharedStore) {
    super();
  }

  get where(): string {
    return this.store.where(USERS_BOOK);
  }

  async list(): Promise<UserRecord[]> {
    const records = await this.store.all(USERS_BOOK);
    return Object.entries(records).map(([key, user]) => checkedUser(user, `${this.where}: ${key}`));
  }

  protected update(change: (users: UserRecord[]) => UserRecord[]): Promise<void> {
    return this.store.edit(USERS_BOOK, async (book) => {
      const before = await book.all();
      const after = change(Object.entries(before).map(([key, user]) => checkedUser(user, `${this.where}: ${key}`)));
      for (const name of Object.keys(before)) if (!after.some((user) => user.name === name)) book.delete(name);
      for (const user of after) book.set(user.name, user);
    });
  }
}

/**
 * Whom a console lets in: the users file named (`--users FILE`), else those
 * of the shared database when there is one, else the state directory's
 * users.json.
 */
export function consoleUsers(usersFile: string | undefined, store: SharedStore): UserDirectory {
  if (usersFile !== undefined) return new Users(usersFile);
  return store.url === undefined ? new Users(join(store.root, 'users.json')) : new SharedUsers(store);
}

let dummy: Promise<string> | undefined;

/** Made once, at the first login: what an unknown name is checked against. */
function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(12).toString('base64'));
  return dummy;
}
