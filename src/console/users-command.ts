import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode } from '../exit-codes.js';
import { withStore } from '../onboard/command-support.js';
import { ROLES, SharedUsers, Users, UsersFileError, type Role, type UserDirectory } from './users.js';

export interface UsersCommandOptions {
  role?: string;
  passwordFile?: string;
  passwordEnv?: string;
  users?: string;
  state?: string;
  /** `--store`: the users every appliance on that database accepts. */
  store?: string;
  storePasswordFile?: string;
}

export interface UsersIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Standard input, read to its end (a password piped in). */
  stdin: () => Promise<string>;
}

/** The users file: `--users FILE`, else users.json in the state directory. */
export function usersFileOf(options: { users?: unknown; state?: unknown }): string {
  if (typeof options.users === 'string') return options.users;
  return join(typeof options.state === 'string' ? options.state : 'state', 'users.json');
}

/**
 * `onramp users add NAME --role operator|viewer` (the password from standard
 * input, a 0600 file or an environment variable; never an argument, which
 * any user of the machine can read in the process list), `users list`,
 * `users remove NAME`; in the users file, or with `--store` (and no
 * `--users`) in the database several appliances share.
 */
export async function usersCommand(action: string, name: string | undefined, options: UsersCommandOptions, io: UsersIo): Promise<number> {
  if (options.users === undefined && options.store !== undefined) {
    return withStore({ ...options }, options.state ?? 'state', ({ store }) => usersAction(new SharedUsers(store), action, name, options, io), io);
  }
  return usersAction(new Users(usersFileOf(options)), action, name, options, io);
}

async function usersAction(users: UserDirectory, action: string, name: string | undefined, options: UsersCommandOptions, io: UsersIo): Promise<number> {
  try {
    if (action === 'list') {
      const all = await users.list();
      if (all.length === 0) io.out(`no console users in ${users.where}\n`);
      for (const user of all) io.out(`${user.name}  ${user.role}\n`);
      return ExitCode.Ok;
    }
    if (name === undefined) {
      io.err(`users ${action}: a user name is required\n`);
      return ExitCode.BadInput;
    }
    if (action === 'remove') {
      if (!(await users.remove(name))) {
        io.err(`users remove: no user ${name} in ${users.where}\n`);
        return ExitCode.BadInput;
      }
      io.out(`removed ${name}; their sessions end at their next request\n`);
      return ExitCode.Ok;
    }
    if (action !== 'add') {
      io.err(`users: unknown action ${JSON.stringify(action.slice(0, 40))}; expected add, list or remove\n`);
      return ExitCode.BadInput;
    }
    const role = options.role ?? 'viewer';
    if (!ROLES.includes(role as Role)) {
      io.err(`users add: --role: expected ${ROLES.join(' or ')}, got ${JSON.stringify(role.slice(0, 40))}\n`);
      return ExitCode.BadInput;
    }
    const password = await passwordOf(options, io);
    const done = await users.add(name, role as Role, password);
    io.out(`${done} ${name} (${role}) in ${users.where}\n`);
    return ExitCode.Ok;
  } catch (err) {
    if (!(err instanceof UsersFileError)) throw err;
    io.err(`users ${action}: ${err.message}\n`);
    return ExitCode.BadInput;
  }
}

async function passwordOf(options: UsersCommandOptions, io: UsersIo): Promise<string> {
  if (options.passwordFile !== undefined && options.passwordEnv !== undefined) {
    throw new UsersFileError('--password-file and --password-env: give one of them');
  }
  if (options.passwordEnv !== undefined) {
    const value = process.env[options.passwordEnv];
    if (value === undefined || value === '') throw new UsersFileError(`--password-env: ${options.passwordEnv} is not set`);
    return value;
  }
  if (options.passwordFile !== undefined) {
    const path = options.passwordFile;
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) throw new UsersFileError(`--password-file: ${path}: cannot read`);
    if ((info.mode & 0o077) !== 0) throw new UsersFileError(`--password-file: ${path}: readable by others (mode ${(info.mode & 0o777).toString(8)}); chmod 600 it`);
    return firstLine(await readFile(path, 'utf8'));
  }
  return firstLine(await io.stdin());
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0] ?? '';
}

/**
 * The password from standard input: piped, its first line; at a terminal,
 * typed without echo (Ctrl-C gives up).
 */
export async function readPassword(): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let input = '';
    for await (const chunk of stdin) input += String(chunk);
    return input;
  }
  process.stderr.write('password: ');
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = '';
      const onData = (chunk: string): void => {
        for (const char of chunk) {
          if (char === '\r' || char === '\n') {
            stdin.off('data', onData);
            process.stderr.write('\n');
            resolve(typed);
            return;
          }
          if (char === '\u0003') {
            stdin.off('data', onData);
            reject(new UsersFileError('no password given'));
            return;
          }
          typed = char === '\u007f' || char === '\b' ? typed.slice(0, -1) : typed + char;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
}
