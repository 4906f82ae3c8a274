import type { BackupsLocation } from '../backups/index.js';
import type { Logger } from '../log/index.js';
import { StateStore } from '../state/index.js';
import { HttpSetupError, parseHttpAddress, startConsole, type RunningConsole } from './server.js';
import { liveSource, type LiveAppliance } from './source.js';
import { consoleUsers } from './users.js';

export interface ApplianceConsoleOptions {
  http: string;
  httpCert?: string;
  httpKey?: string;
  usersFile?: string;
  stateDir: string;
  sitesDir: string;
  backups?: BackupsLocation;
}

/** `onramp run --http`: the console inside the appliance, acting through its onboarder. */
export async function startApplianceConsole(appliance: LiveAppliance, options: ApplianceConsoleOptions, logger: Logger): Promise<RunningConsole> {
  const address = parseHttpAddress(options.http);
  if (typeof address === 'string') throw new HttpSetupError(address);
  const state = new StateStore(options.stateDir);
  const source = await liveSource(appliance, {
    state, sitesDir: options.sitesDir, logger, ...(options.backups === undefined ? {} : { backups: options.backups }),
  });
  const tls = tlsFlags(options.httpCert, options.httpKey);
  try {
    return await startConsole({
      address, source, logger, users: consoleUsers(options.usersFile, appliance.store),
      ...(tls === undefined ? {} : { tls }),
    });
  } catch (err) {
    await source.close();
    throw err;
  }
}

/** --http-cert and --http-key: both or neither. */
export function tlsFlags(cert: string | undefined, key: string | undefined): { certFile: string; keyFile: string } | undefined {
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) throw new HttpSetupError('--http-cert and --http-key go together: give both for TLS, or neither');
  return { certFile: cert, keyFile: key };
}
