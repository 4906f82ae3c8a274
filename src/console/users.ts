import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

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

/**
 * The console's users: a JSON file readable by its owner only (a file others
 * may read is refused, as a password file is), each user a name, a role and
 * an scrypt hash. Re-read at each login, so `onramp users add` takes effect
 * without a restart.
 */
export class Users {
  constructor(readonly path: string) {}

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
    return file.users.map((user, index) => {
      const at = `${this.path}: users[${String(index)}]`;
      if (typeof user.name !== 'string' || !isUserName(user.name)) throw new UsersFileError(`${at}: name: expected a user name`);
      if (!ROLES.includes(user.role)) throw new UsersFileError(`${at}: role: expected ${ROLES.join(' or ')}`);
      if (typeof user.hash !== 'string' || !user.hash.startsWith('scrypt$')) throw new UsersFileError(`${at}: hash: expected an scrypt hash`);
      return { name: user.name, role: user.role, hash: user.hash };
    });
  }

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
    const users = await this.list();
    const record: UserRecord = { name, role, hash: await hashPassword(password) };
    const index = users.findIndex((user) => user.name === name);
    if (index >= 0) users[index] = record;
    else users.push(record);
    await this.write(users);
    return index >= 0 ? 'updated' : 'added';
  }

  async remove(name: string): Promise<boolean> {
    const users = await this.list();
    const kept = users.filter((user) => user.name !== name);
    if (kept.length === users.length) return false;
    await this.write(kept);
    return true;
  }

  private async write(users: UserRecord[]): Promise<void> {
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

let dummy: Promise<string> | undefined;

/** Made once, at the first login: what an unknown name is checked against. */
function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(12).toString('base64'));
  return dummy;
}
