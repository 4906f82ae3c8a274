import type { Profile } from '../profile.js';
import { NETWORK_OS_FACTS } from './facts.js';
import { IOS_LIKE_REMEDIATION, iosLikeTree } from './remediation.js';
import { NETWORKOS_UPGRADE } from './upgrade.js';
import { COMMON_SECRET_MASKS, MORE_PAGER, PAREN_CONFIG_PROMPT, PAREN_MODE_PROMPT, PERCENT_ERRORS } from './common.js';

const VOLATILE_LINES = [/^Building configuration\.\.\.$/];

/** FS S5850/S5800, NetworkOS (Centec): VENDORS.md §1. */
export const fsS5850: Profile = {
  name: 'fs-s5850',
  promptPattern: PAREN_MODE_PROMPT,
  pagingOff: ['terminal length 0'],
  pagerPatterns: [MORE_PAGER],
  pagerAnswer: ' ',
  enable: { command: 'enable', passwordPrompt: /^\s*Password:\s*$/i },
  enterConfig: 'configure terminal',
  leaveConfig: ['end'],
  configPromptPattern: PAREN_CONFIG_PROMPT,
  save: { command: 'write' },
  errorMarkers: PERCENT_ERRORS,
  volatileLines: VOLATILE_LINES,
  secretMasks: COMMON_SECRET_MASKS,
  showRunning: 'show running-config',
  showLldp: 'show lldp neighbor brief',
  showMacTable: 'show mac address-table',
  facts: [NETWORK_OS_FACTS],
  tree: iosLikeTree(VOLATILE_LINES),
  remediation: IOS_LIKE_REMEDIATION,
  upgrade: NETWORKOS_UPGRADE,
};
