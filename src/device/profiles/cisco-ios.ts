import type { Profile } from '../profile.js';
import { IOS_FACTS } from './facts.js';
import { IOS_LIKE_REMEDIATION, iosLikeTree } from './remediation.js';
import { IOS_UPGRADE } from './upgrade.js';
import { COMMON_SECRET_MASKS, MORE_PAGER, PAREN_CONFIG_PROMPT, PAREN_MODE_PROMPT, PERCENT_ERRORS } from './common.js';

const VOLATILE_LINES = [
    /^Building configuration\.\.\.$/,
    /^Current configuration : \d+ bytes$/,
    /^! Last configuration change at /,
    /^! NVRAM config last updated at /,
    /^ntp clock-period \d+$/,
  ];

/** Cisco IOS / IOS-XE Catalyst: VENDORS.md §4. */
export const ciscoIos: Profile = {
  name: 'cisco-ios',
  promptPattern: PAREN_MODE_PROMPT,
  pagingOff: ['terminal length 0', 'terminal width 511'],
  pagerPatterns: [MORE_PAGER],
  pagerAnswer: ' ',
  enable: { command: 'enable', passwordPrompt: /^\s*Password:\s*$/i },
  enterConfig: 'configure terminal',
  leaveConfig: ['end'],
  configPromptPattern: PAREN_CONFIG_PROMPT,
  save: {
    command: 'write memory',
    confirm: [{ prompt: /Destination filename \[[^\]]*\]\?\s*$/i, answer: '' }],
    success: /\[OK\]/,
  },
  errorMarkers: PERCENT_ERRORS,
  volatileLines: VOLATILE_LINES,
  secretMasks: COMMON_SECRET_MASKS,
  showRunning: 'show running-config',
  showLldp: 'show lldp neighbors',
  showMacTable: 'show mac address-table',
  facts: [IOS_FACTS],
  tree: iosLikeTree(VOLATILE_LINES),
  remediation: IOS_LIKE_REMEDIATION,
  upgrade: IOS_UPGRADE,
};
