import { readFacts, type Profile } from '../device/index.js';
import type { Site } from '../inventory/index.js';
import { Events, type Logger } from '../log/index.js';
import { firmwareFor, sameVersion } from './firmware-stage.js';
import type { Fields } from './job-base.js';
import type { SessionLike } from './session.js';
import type { FirmwareStatus } from './status.js';

/**
 * A known switch's check also says whether it runs the OS version its site
 * names for its model: one line in the log and its status. Report only: a
 * known switch is never upgraded by onramp. Nothing when the site names no
 * version for the model.
 */
export async function firmwareCompliance(session: SessionLike, site: Site, model: string, profile: Profile, logger: Logger, fields: Fields): Promise<FirmwareStatus | undefined> {
  const target = firmwareFor(site, model);
  if (target === undefined) return undefined;
  const running = (await readFacts(session, profile)).version;
  const compliant = running !== undefined && sameVersion(running, target.version);
  const firmware: FirmwareStatus = { ...(running === undefined ? {} : { running }), wanted: target.version, compliant };
  if (compliant) {
    logger.info({ event: Events.firmwareCompliance, ...fields, result: 'ok', version: running, wanted: target.version }, `OS ${target.version}, as the site names for ${target.model}`);
  } else {
    logger.warn(
      { event: Events.firmwareCompliance, ...fields, result: 'drift', version: running, wanted: target.version },
      `OS ${running ?? 'version not readable from show version'}; the site names ${target.version} for ${target.model} (reported only: a known switch is not upgraded)`,
    );
  }
  return firmware;
}
