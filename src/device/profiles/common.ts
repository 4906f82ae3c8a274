import type { SecretMask } from '../profile.js';

/**
 * Building blocks shared by several profiles. Sources: VENDORS.md §5 (prompt
 * regex, pager strings, error lines, Oxidized fsos/ios/edgecos masking rules).
 */

/** Hostname, an optional `(config…)` mode, then `>` or `#`; the line is matched with surrounding blanks trimmed. */
export const PAREN_MODE_PROMPT = /^(?<host>[\w.@/:-]+)(?:\((?<mode>[\w./-]+)\))?[>#]$/;
export const PAREN_CONFIG_PROMPT = /\(config[\w./-]*\)#$/;

export const MORE_PAGER = /^\s*--More--\s*$/;
export const EDGECORE_PAGERS = [
  /^\s*---More---\s*$/,
  /^\s*--- \[Space\] Next page, \[Enter\] Next line, \[A\] All, Others to exit ---\s*$/,
];

export const PERCENT_ERRORS = [
  /^\s*% ?Invalid input detected/m,
  /^\s*% ?Incomplete command/m,
  /^\s*% ?Ambiguous command/m,
  /^\s*% ?Unknown command/m,
  /^\s*% ?Unrecognized command/m,
  /^\s*Incorrect usage/m,
];

/** BDCOM prints a caret line, then `Unknown command` without a `%`. */
export const BARE_UNKNOWN_COMMAND = /^\s*(?:Unknown|Incomplete|Ambiguous) command/m;

export const HIDDEN = '<secret hidden>';

/**
 * Secret forms of all four families. Every rule keeps the keyword and type
 * digit and replaces the value, and no rule adds or removes a line, so a
 * masked text lines up with its original line by line. The lookaheads make
 * masking idempotent: an already hidden value (or its type digit) is left alone.
 */
export const COMMON_SECRET_MASKS: SecretMask[] = [
  // enable secret 5 …, username U secret 9 …, username U password 7 …, password admin (Centec plain text), line vty password 7 …
  { pattern: /(?<![\w<-])((?:secret|password)(?: \d)?) (?!<secret hidden>|\d <secret hidden>)\S+.*$/gm, replace: `$1 ${HIDDEN}` },
  // tacacs-server key 7 …, radius `server A.B.C.D key 7 …`, ` key 7 …`
  { pattern: /^(.*\bkey \d) (?!<secret hidden>)\S+.*$/gm, replace: `$1 ${HIDDEN}` },
  // key-string under a key chain, plain or typed
  { pattern: /\b(key-string(?: \d)?) (?!<secret hidden>|\d <secret hidden>)\S+.*$/gm, replace: `$1 ${HIDDEN}` },
  // tacacs-server/radius-server key in plain text
  { pattern: /^(\s*(?:no )?(?:tacacs-server|radius-server)\b.*\bkey) (?!<secret hidden>|\d )\S+.*$/gm, replace: `$1 ${HIDDEN}` },
  // snmp-server community NAME ro, snmp-server community 7 HEX RO ACL; each also as the `no` line of a plan's rollback
  { pattern: /^(\s*(?:no )?snmp-server community(?: \d)?) (?!<secret hidden>|\d <secret hidden>)\S+/gm, replace: `$1 ${HIDDEN}` },
  // snmp-server host A.B.C.D [traps|informs] [version 1|2c|3 auth|noauth|priv] COMMUNITY …
  {
    pattern: /^(\s*(?:no )?snmp-server host \S+(?: (?:traps|informs))?(?: version (?:1|2c|3 (?:auth|noauth|priv)))?) (?!<secret hidden>|traps\b|informs\b|version\b)\S+/gm,
    replace: `$1 ${HIDDEN}`,
  },
  // BDCOM: snmp-server user U G v3 priv aes256-c auth sha256 7 HEX HEX
  { pattern: /^(\s*(?:no )?snmp-server user \S+ \S+ v3\b.*\bauth \S+ \d) (?!<secret hidden>)\S+ \S+/gm, replace: `$1 ${HIDDEN} ${HIDDEN}` },
  // Cisco: snmp-server user U G v3 auth sha PASS priv aes 128 PASS; also the Edgecore usm-user line and its
  // wrapped continuation line `priv aes128 HEX`
  {
    pattern: /\b((?:auth|priv) (?:md5|sha\S*|des\S*|3des\S*|aes\S*)(?: (?:128|192|256))?) (?!<secret hidden>|auth\b|priv\b|\d |(?:128|192|256) <secret hidden>)\S+/gm,
    replace: `$1 ${HIDDEN}`,
  },
];
