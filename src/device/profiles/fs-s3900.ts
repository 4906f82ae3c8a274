import type { Profile } from '../profile.js';
import { FSOS1_FACTS } from './facts.js';
import { IOS_LIKE_REMEDIATION, iosLikeTree } from './remediation.js';
import { FSOS1_UPGRADE } from './upgrade.js';
import { COMMON_SECRET_MASKS, EDGECORE_PAGERS, MORE_PAGER, PAREN_CONFIG_PROMPT, PAREN_MODE_PROMPT, PERCENT_ERRORS } from './common.js';

const VOLATILE_LINES = [/^Building running configuration\. Please wait\.\.\.$/];

/** FS S3900, FSOS 1.x (Edgecore heritage): VENDORS.md §2. */
export const fsS3900: Profile = {
  name: 'fs-s3900',
  promptPattern: PAREN_MODE_PROMPT,
  pagingOff: ['terminal length 0'],
  pagerPatterns: [...EDGECORE_PAGERS, MORE_PAGER],
  pagerAnswer: ' ',
  enable: { command: 'enable', passwordPrompt: /^\s*Password:\s*$/i },
  enterConfig: 'configure',
  leaveConfig: ['end'],
  configPromptPattern: PAREN_CONFIG_PROMPT,
  save: {
    command: 'copy running-config startup-config',
    // `Startup configuration file name [startup1.cfg]:` — Enter keeps the current file.
    confirm: [{ prompt: /file name \[[^\]]*\]\s*:?\s*$/i, answer: '' }],
  },
  errorMarkers: PERCENT_ERRORS,
  volatileLines: VOLATILE_LINES,
  secretMasks: COMMON_SECRET_MASKS,
  showRunning: 'show running-config',
  showLldp: 'show lldp neighbor',
  showMacTable: 'show mac-address-table',
  facts: [FSOS1_FACTS],
  tree: iosLikeTree(VOLATILE_LINES, { flatSections: [/^interface ethernet\s/] }),
  remediation: IOS_LIKE_REMEDIATION,
  upgrade: FSOS1_UPGRADE,
};
