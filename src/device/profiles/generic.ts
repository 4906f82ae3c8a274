import type { Profile } from '../profile.js';
import { ANY_FAMILY_FACTS } from './facts.js';
import { IOS_LIKE_REMEDIATION, iosLikeTree } from './remediation.js';
import {
  BARE_UNKNOWN_COMMAND,
  COMMON_SECRET_MASKS,
  EDGECORE_PAGERS,
  MORE_PAGER,
  PERCENT_ERRORS,
} from './common.js';

const VOLATILE_LINES = [/^Building (?:running )?configuration/, /^Current configuration ?:/];

/**
 * Any IOS-like CLI. The prompt regex is the one VENDORS.md §5 gives for all
 * four families; the session learns the hostname from the first prompt. Every
 * field can be overridden from a site file through buildProfile().
 */
export const generic: Profile = {
  name: 'generic',
  promptPattern: /^(?<host>[\w.@/:-]+?)(?<mode>\([\w./-]+\)|_config[\w./-]*)?[>#]$/,
  pagingOff: ['terminal length 0'],
  pagerPatterns: [MORE_PAGER, ...EDGECORE_PAGERS],
  pagerAnswer: ' ',
  enable: { command: 'enable', passwordPrompt: /^\s*Password:\s*$/i },
  enterConfig: 'configure terminal',
  leaveConfig: ['end'],
  configPromptPattern: /(?:\(config[\w./-]*\)|_config[\w./-]*)#$/,
  save: { command: 'write memory' },
  errorMarkers: [...PERCENT_ERRORS, BARE_UNKNOWN_COMMAND],
  volatileLines: VOLATILE_LINES,
  secretMasks: COMMON_SECRET_MASKS,
  showRunning: 'show running-config',
  showLldp: 'show lldp neighbors',
  showMacTable: 'show mac address-table',
  facts: ANY_FAMILY_FACTS,
  tree: iosLikeTree(VOLATILE_LINES),
  remediation: IOS_LIKE_REMEDIATION,
};
