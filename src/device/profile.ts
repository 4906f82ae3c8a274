import type { TreeSyntax } from '../config/tree.js';
import type { FamilyFacts } from './facts.js';

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

/** A question a command may ask, and what to answer; '' answers with Enter. */
export interface DialogueAnswer {
  prompt: RegExp;
  answer: string;
}

export interface SaveSpec {
  command: string;
  /** Questions the switch may ask before saving, answered in any order; '' answers with Enter. */
  confirm?: { prompt: RegExp; answer: string }[];
  /** When set, the save's output must match it, otherwise the save counts as failed. */
  success?: RegExp;
}

/** One line rewritten into a command: the part of the trimmed line that `match` matches is replaced by `command` (String.replace, so `$&` and `$1`… work). */
export interface LineRewrite {
  match: RegExp;
  command: string;
}

/** Where a top-level section's changes go in a plan: lower ranks are typed first. */
export interface OrderRule {
  /** Tested on the top-level line (`vlan 10`, `interface vlan 1`, `username admin …`). */
  match: RegExp;
  /** Rank of its additions and changes (default 50). */
  add: number;
  /** Rank when the whole line or section is removed (default 60). */
  remove: number;
}

/**
 * How a family's config is changed, as data in the spirit of hier_config's
 * per-OS drivers: the planner is generic and reads these, so a new family
 * is a new set of rules, not new code.
 */
export interface RemediationRules {
  /** The prefix that negates a line (`no `); a line starting with it is a negated setting. */
  negationPrefix: string;
  /**
   * Lines removed by something other than the negation prefix, first match
   * wins: `description …` by `no description`, a port that cannot be deleted
   * by `default interface …`.
   */
  negateWith: readonly LineRewrite[];
  /**
   * Settings holding one value in their section; the captures, joined by a
   * space, name the setting (`/^(ip address) (?!.* secondary$)/`,
   * `/^(ip access-group) \S+ (in|out)$/`). A new value is typed over
   * the old one, without a `no` first. A line and its negation (`shutdown`,
   * `no shutdown`) are always one setting.
   */
  singleValued: readonly RegExp[];
  /**
   * Running lines and sections left alone when the intended config lacks
   * them: defaults the switch prints (`no service pad`, `no ip domain-lookup`),
   * which negated would turn a feature on, and hardware (physical ports,
   * `line vty`), which cannot be deleted.
   */
  keepWhenAbsent: readonly RegExp[];
  /**
   * Lines that form one ordered list by their first capture (`access-list 10`,
   * `ip prefix-list NAME`): when the lists differ the old one is removed by
   * negating the capture and the new one typed whole, in order. Sections
   * whose order matters are the tree syntax's `orderedSections`.
   */
  orderedGroups: readonly RegExp[];
  /**
   * Lines that create numbered objects by list, with the keyword and the
   * list as captures (`/^(vlan) ([\d,-]+)$/` for `vlan 1,10-20`): compared
   * as sets, so a changed list types only the numbers added and the numbers
   * removed, never `no` of the whole old list.
   */
  numberLists: readonly RegExp[];
  /** When each kind of top-level line is typed: objects before their users, management and login last. */
  order: readonly OrderRule[];
  /**
   * The line that leaves a section, by its opener and, with `under`, the
   * section around it (`address-family …` under `router bgp` →
   * `exit-address-family`; under an NX-OS `neighbor`, `exit`); otherwise `exit`.
   */
  sectionExits: readonly { match: RegExp; under?: RegExp; exit: string }[];
}

/** Where a fact in a profile comes from, in VENDORS.md's terms: a named source, or an inference. */
export interface StepSource {
  kind: 'sourced' | 'inferred';
  /** The source, or what the inference rests on. */
  note: string;
}

/**
 * One step of an OS upgrade, as data. `command` may hold placeholders,
 * filled from the image before it is typed: `{url}`, `{scheme}`, `{host}`,
 * `{port}`, `{path}` (the URL's path without its leading `/`), `{file}` (the
 * image's name on the switch), `{sha256}`, `{md5}`, `{version}`. The same
 * placeholders work in the answers.
 */
export interface UpgradeStep {
  /** Exec-mode commands, or with `config` the lines typed in config mode. */
  commands: readonly string[];
  config?: boolean;
  /** Questions the step may ask, answered in any order. */
  confirm?: readonly DialogueAnswer[];
  /** When set, the step's output must match it. */
  success?: RegExp;
  /** Output that fails the step besides the profile's error markers (`Error`, `Failed`). */
  failure?: RegExp;
  /** Silence tolerated while the step runs: a download prints nothing for minutes. */
  timeoutMs: number;
  source: StepSource;
}

/**
 * How a family installs a new OS image: fetch it from a URL, check its hash
 * where the OS can, select it for the next boot where that is a step of its
 * own, reload. Each step says where its facts come from.
 */
export interface UpgradeSteps {
  fetch: UpgradeStep;
  verify?: UpgradeStep;
  boot?: UpgradeStep;
  reload: UpgradeStep;
}

export const UPGRADE_STEP_NAMES = ['fetch', 'verify', 'boot', 'reload'] as const;
export type UpgradeStepName = (typeof UPGRADE_STEP_NAMES)[number];

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
  /** How serial, model and OS version are read (readFacts); the generic profile knows every family's. */
  facts: readonly FamilyFacts[];
  /** How `show running-config` nests sections. */
  tree: TreeSyntax;
  remediation: RemediationRules;
  /** How an OS upgrade is done; absent: a site names the steps (`firmware.<model>.steps`). */
  upgrade?: UpgradeSteps;
}
