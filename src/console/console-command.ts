import { backupsFlags } from '../backups/index.js';
import { ExitCode } from '../exit-codes.js';
import { SiteFileError } from '../inventory/index.js';
import { createLogger } from '../log/index.js';
import { StateStore } from '../state/index.js';
import { stateDirOf } from '../agent/state-dir.js';
import { withStore } from '../onboard/command-support.js';
import { tlsFlags } from './live.js';
import { HttpSetupError, parseHttpAddress, startConsole } from './server.js';
import { stateSource } from './source.js';
import { consoleUsers } from './users.js';

/**
 * `onramp console --http ADDR --state DIR [--store URL]`: the console's
 * pages and API, read-only, on a state directory (and the database several
 * appliances share), without running the appliance. It
 * follows the journal, so while an appliance works on that directory the
 * pages stay live; actions answer 409 with the reason. Runs until SIGINT or
 * SIGTERM.
 */
export async function consoleCommand(options: Record<string, unknown>): Promise<number> {
  const text = (key: string, fallback?: string): string | undefined => (typeof options[key] === 'string' ? options[key] : fallback);
  const fail = (message: string): number => {
    process.stderr.write(`onramp console: ${message}\n`);
    return ExitCode.BadInput;
  };
  const address = parseHttpAddress(text('http', '127.0.0.1:8080') ?? '');
  if (typeof address === 'string') return fail(address);
  const stateDir = await stateDirOf(options);
  if ('error' in stateDir) return fail(stateDir.error);
  const backups = backupsFlags(options);
  if (typeof backups === 'string') return fail(backups);
  const logger = createLogger({ level: text('logLevel', 'info') ?? 'info', pretty: options.pretty === true });
  return withStore(options, stateDir.dir, async (opened) => {
    let running;
    try {
      const tls = tlsFlags(text('httpCert'), text('httpKey'));
      const source = await stateSource({
        state: new StateStore(stateDir.dir), store: opened.store,
        sitesDir: text('sites', 'baselines') ?? 'baselines', templatesDir: text('templates', 'templates') ?? 'templates', logger,
        ...(backups.backups === undefined ? {} : { backups: backups.backups }),
        ...(opened.backups === undefined ? {} : { backupsDatabase: opened.backups }),
        ...(opened.timeline === undefined ? {} : { timeline: opened.timeline }),
      });
      running = await startConsole({ address, source, logger, users: consoleUsers(text('users'), opened.store), ...(tls === undefined ? {} : { tls }) });
    } catch (err) {
      if (err instanceof SiteFileError || err instanceof HttpSetupError) return fail(err.message);
      throw err;
    }
    process.stdout.write(`onramp console (read-only) at ${running.url}\n`);
    await untilStopped();
    await running.close();
    return ExitCode.Ok;
  }, { out: (line) => process.stdout.write(line), err: (line) => process.stderr.write(`onramp console: ${line}`) }, logger);
}

/** Resolves at SIGINT or SIGTERM. */
function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
