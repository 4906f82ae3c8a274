/**
 * What a session needs to know about one CLI family. A profile is data: the
 * session code is generic and reads it, so a new family is one new file in
 * profiles/ (VENDORS.md has the facts each field is taken from).
 */
export interface SecretMask {
  /** Applied with String.replace; use the `g` and `m` flags for line-anchored rules. */
  pattern: RegExp;
  replace: string;
}

export interface SaveSpec {
  command: string;
  /** Questions the switch may ask before saving, answered in any order; '' answers with Enter. */
  confirm?: { prompt: RegExp; answer: string }[];
  /** When set, the save's output must match it, otherwise the save counts as failed. */
  success?: RegExp;
}

export interface Profile {
  name: string;
  /**
   * Matches a whole prompt line (exec or config mode). The named group `host`
   * captures the hostname, which the session follows when it changes.
   */
  promptPattern: RegExp;
  /** Sent once after login; a rejection is tolerated because the pager is answered anyway. */
  pagingOff: string[];
  /** Matched against the unterminated last line of output. */
  pagerPatterns: RegExp[];
  pagerAnswer: string;
  /** Used only when the login lands in a `HOST>` prompt. */
  enable?: { command: string; passwordPrompt: RegExp };
  enterConfig: string;
  /** Sent in order; the last one is repeated while the prompt is still a config prompt (BDCOM `exit` per level). */
  leaveConfig: string[];
  configPromptPattern: RegExp;
  save: SaveSpec;
  /** Tested against the output of every command; the first matching line becomes the device message. */
  errorMarkers: RegExp[];
  /** Whole lines dropped before diffing. */
  volatileLines: RegExp[];
  secretMasks: SecretMask[];
  showRunning: string;
  showLldp: string;
  showMacTable: string;
}
