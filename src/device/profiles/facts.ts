import type { FamilyFacts } from '../facts.js';

/**
 * How each family prints serial, model and OS version (VENDORS.md: the
 * `show version` sample of each platform). `sourced`: the format is the
 * named source's; `inferred`: it is not shown by a source.
 */

/** FS S5850/S5800 NetworkOS, VENDORS.md §1. */
export const NETWORK_OS_FACTS: FamilyFacts = {
  family: 'fs-s5850',
  recognise: { pattern: /^FSOS Software, S\d{4}\w*, Version /m, source: 'sourced' },
  commands: [{
    command: 'show version',
    serial: [{ pattern: /^System serial number is (\S+)$/m, source: 'sourced' }],
    model: [
      // The series of the banner and the hardware type a few lines below, as FS names the model (S5850-48S6Q).
      { pattern: /^FSOS Software, (S\d{4}\w*), Version .*\n(?:.*\n){0,8}?Hardware Type is (\w+)$/m, source: 'inferred' },
      { pattern: /^FSOS Software, (S\d{4}\w*), Version /m, source: 'sourced' },
    ],
    version: [{ pattern: /^FSOS Software, S\d{4}\w*, Version (\S+)$/m, source: 'sourced' }],
  }],
};

/** FS S3900 FSOS 1.x, VENDORS.md §2: `show version` has no model line; `show system` is where the lab prints it. */
export const FSOS1_FACTS: FamilyFacts = {
  family: 'fs-s3900',
  recognise: { pattern: /^\s*(?:Operation Code Version|FSOS Software Version)\s*:/m, source: 'sourced' },
  commands: [
    {
      command: 'show version',
      serial: [{ pattern: /^\s*Serial Number\s*:\s*(\S+)$/m, source: 'sourced' }],
      version: [{ pattern: /^\s*(?:Operation Code Version|FSOS Software Version)\s*:\s*(\S+)$/m, source: 'sourced' }],
    },
    {
      command: 'show system',
      model: [{ pattern: /^\s*System Description\s*:\s*(S\d{4}[\w-]*)/m, source: 'inferred' }],
    },
  ],
};

/** FS S3900-R / S3400 FSOS 2.x (BDCOM heritage), VENDORS.md §3. */
export const FSOS2_FACTS: FamilyFacts = {
  family: 'fs-s3900-r',
  recognise: { pattern: /^Fiberstore Co\., Limited Internetwork Operating System Software$/m, source: 'sourced' },
  commands: [{
    command: 'show version',
    serial: [{ pattern: /^Serial num:\s*([^,\s]+)/m, source: 'sourced' }],
    model: [
      { pattern: /^(S\d{4}[\w-]*) Series Software, Version /m, source: 'sourced' },
      { pattern: /^FS (S\d{4}[\w-]*) RISC$/m, source: 'sourced' },
    ],
    version: [{ pattern: /^\S+ Series Software, Version ([\w.]+(?: Build \d+)?)/m, source: 'sourced' }],
  }],
};

/** Cisco IOS / IOS-XE, VENDORS.md §4. */
export const IOS_FACTS: FamilyFacts = {
  family: 'cisco-ios',
  recognise: { pattern: /^Cisco IOS(?: XE)? Software/m, source: 'sourced' },
  commands: [{
    command: 'show version',
    serial: [
      { pattern: /^System [Ss]erial [Nn]umber\s*:\s*(\S+)$/m, source: 'sourced' },
      { pattern: /^Processor board ID (\S+)$/m, source: 'sourced' },
    ],
    model: [{ pattern: /^cisco ([\w-]+) \(/m, source: 'sourced' }],
    version: [{ pattern: /^Cisco IOS(?: XE)? Software, [^,\n]*, Version ([^,\s]+)/m, source: 'sourced' }],
  }],
};

/** Every family's: what a switch of unknown family (a factory switch, the generic profile) is read with. */
export const ANY_FAMILY_FACTS: readonly FamilyFacts[] = [NETWORK_OS_FACTS, FSOS1_FACTS, FSOS2_FACTS, IOS_FACTS];
