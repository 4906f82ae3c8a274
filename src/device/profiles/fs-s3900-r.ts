import type { Profile } from '../profile.js';
import { FSOS2_FACTS } from './facts.js';
import { IOS_LIKE_REMEDIATION, iosLikeTree } from './remediation.js';
import { FSOS2_UPGRADE } from './upgrade.js';
import { BARE_UNKNOWN_COMMAND, COMMON_SECRET_MASKS, MORE_PAGER, PERCENT_ERRORS } from './common.js';

const VOLATILE_LINES = [/^Building configuration\.\.\.$/, /^Current configuration:$/, /^!version /];

/** FS S3900-R / S3400, FSOS 2.x (BDCOM heritage): VENDORS.md §3. */
export const fsS3900R: Profile = {
  name: 'fs-s3900-r',
  // HOST>, HOST#, HOST_config#, HOST_config_g0/1#: the hostname may itself contain `_`.
  promptPattern: /^(?<host>[\w.@/:-]+?)(?<mode>_config[\w./-]*)?[>#]$/,
  pagingOff: ['terminal length 0'],
  pagerPatterns: [MORE_PAGER],
  pagerAnswer: ' ',
  enable: { command: 'enable', passwordPrompt: /^\s*Password:\s*$/i },
  enterConfig: 'config',
  // No `end` on some builds: one `exit` per level, repeated until the exec prompt.
  leaveConfig: ['exit'],
  configPromptPattern: /_config[\w./-]*#$/,
  save: { command: 'write' },
  errorMarkers: [...PERCENT_ERRORS, BARE_UNKNOWN_COMMAND],
  volatileLines: VOLATILE_LINES,
  secretMasks: COMMON_SECRET_MASKS,
  showRunning: 'show running-config',
  showLldp: 'show lldp neighbors',
  showMacTable: 'show mac address-table',
  facts: [FSOS2_FACTS],
  tree: iosLikeTree(VOLATILE_LINES),
  remediation: IOS_LIKE_REMEDIATION,
  upgrade: FSOS2_UPGRADE,
};
