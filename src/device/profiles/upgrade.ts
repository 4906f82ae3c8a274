import type { UpgradeSteps } from '../profile.js';

/**
 * OS upgrade steps per family (VENDORS.md style: each step says whether a
 * named source confirms it or it is inferred). A site may override an
 * inferred step (`firmware.<model>.steps.<step>`); a sourced one is kept.
 */

/** A download of tens of MB over a slow management link prints nothing until it is done. */
const FETCH_TIMEOUT_MS = 15 * 60_000;
/** Hashing an image in flash takes a while on a switch CPU. */
const VERIFY_TIMEOUT_MS = 5 * 60_000;
const SHORT_TIMEOUT_MS = 60_000;

/** The usual ways a switch says a transfer or check went wrong. */
const TRANSFER_FAILURE = /%\s*Error|\bError\b|\bFail(?:ed|ure)?\b|\bTimed? ?out\b|\bnot (?:found|enough)\b/i;

/** FS S3900, FSOS 1.x (Edgecore heritage). */
export const FSOS1_UPGRADE: UpgradeSteps = {
  fetch: {
    commands: ['copy {scheme} file'],
    confirm: [
      { prompt: /server (?:IP )?address[^:]*:\s*$/i, answer: '{host}' },
      { prompt: /port[^:]*:\s*$/i, answer: '{port}' },
      // `Choose file type [1: config, 2: opcode]:`, or the choices on a line of their own.
      { prompt: /file type.*:\s*$|\bopcode\b.*:\s*$/i, answer: '2' },
      { prompt: /source file name[^:]*:\s*$/i, answer: '{path}' },
      { prompt: /destination file name[^:]*:\s*$/i, answer: '{file}' },
    ],
    success: /^\s*Success\.?\s*$/m,
    failure: TRANSFER_FAILURE,
    timeoutMs: FETCH_TIMEOUT_MS,
    source: {
      kind: 'inferred',
      note: "Edgecore's `copy tftp file` dialogue (server address, file type 2 = opcode, source and destination file names) [S: public Edgecore upgrade scripts]; the same dialogue over HTTP with a port question, and the closing `Success.` [I, Edgecore ECS CLI guides]",
    },
  },
  // No hash command is known on FSOS 1.x: onramp checks the image's sha256 itself before the switch fetches it.
  boot: {
    commands: ['boot system opcode:{file}'],
    config: true,
    timeoutMs: SHORT_TIMEOUT_MS,
    source: { kind: 'sourced', note: '`boot system opcode:FILE` in config mode [S: public Edgecore upgrade scripts]' },
  },
  reload: {
    commands: ['reload'],
    confirm: [{ prompt: /(?:<y\/n>|\(y\/n\)|\[y\/n\])\??\s*:?\s*$/i, answer: 'y' }],
    timeoutMs: SHORT_TIMEOUT_MS,
    source: { kind: 'sourced', note: '`reload`, answered `y` [S: nocproject/noc sa/profiles/EdgeCore/ES/reboot.py]; the question\'s wording [I]' },
  },
};

/** FS S3900-R / S3400, FSOS 2.x (BDCOM heritage). */
export const FSOS2_UPGRADE: UpgradeSteps = {
  fetch: {
    commands: ['copy {url} flash:{file}'],
    failure: TRANSFER_FAILURE,
    timeoutMs: FETCH_TIMEOUT_MS,
    source: { kind: 'inferred', note: 'a `copy URL flash:FILE` in the IOS manner; no FSOS 2.x transcript of an HTTP copy was found [I]' },
  },
  boot: {
    commands: ['boot system flash:{file}'],
    config: true,
    timeoutMs: SHORT_TIMEOUT_MS,
    source: { kind: 'inferred', note: 'the running image is named in `show version` (`System image file is "switch.bin"`) [S]; selecting another with `boot system flash:FILE` [I]' },
  },
  reload: {
    commands: ['reboot'],
    confirm: [{ prompt: /\(y\/n\)(?:\s*\[[yn]\])?\s*:?\s*$/i, answer: 'y' }],
    timeoutMs: SHORT_TIMEOUT_MS,
    source: { kind: 'inferred', note: 'yes/no questions read `(y/n) [n]` and are answered `y` [S: VENDORS.md §3, NOC]; the `reboot` command itself [I]' },
  },
};

/** FS S5850 / S5800, NetworkOS (Centec). */
export const NETWORKOS_UPGRADE: UpgradeSteps = {
  fetch: {
    commands: ['copy {url} flash:/boot/{file}'],
    failure: TRANSFER_FAILURE,
    timeoutMs: FETCH_TIMEOUT_MS,
    source: { kind: 'inferred', note: 'Centec keeps images under flash:/boot/; the `copy URL flash:/boot/FILE` form [I]' },
  },
  boot: {
    commands: ['boot system flash:/boot/{file}'],
    timeoutMs: SHORT_TIMEOUT_MS,
    source: { kind: 'inferred', note: 'an exec-mode `boot system flash:/boot/FILE` [I, Centec CNOS]' },
  },
  reload: {
    commands: ['reload'],
    confirm: [{ prompt: /(?:\(y\/n\)|\[y\/n\]|\[yes\/no\])\s*:?\s*$/i, answer: 'y' }],
    timeoutMs: SHORT_TIMEOUT_MS,
    source: { kind: 'inferred', note: '`reload` and a yes/no question answered `y` [I]' },
  },
};

/** Cisco IOS / IOS-XE Catalyst (bundle mode). */
export const IOS_UPGRADE: UpgradeSteps = {
  fetch: {
    commands: ['copy {url} flash:{file}'],
    confirm: [{ prompt: /Destination filename \[[^\]]*\]\?\s*$/i, answer: '' }],
    failure: /%\s*Error|\bError opening\b/i,
    timeoutMs: FETCH_TIMEOUT_MS,
    source: { kind: 'sourced', note: '`copy http://… flash:FILE` and its `Destination filename [FILE]?` question [S: Cisco IOS "Loading and Managing System Images", image copying using HTTP]' },
  },
  verify: {
    commands: ['verify /md5 flash:{file} {md5}'],
    success: /\bVerified\b/,
    failure: /%\s*Error|\bMismatch\b|Computed signature/i,
    timeoutMs: VERIFY_TIMEOUT_MS,
    source: { kind: 'inferred', note: '`verify /md5 flash:FILE` [S: networktocode/pyntc, netmiko compare_md5]; with the expected hash given, `Verified` on a match [I]' },
  },
  boot: {
    commands: ['no boot system', 'boot system flash:{file}'],
    config: true,
    timeoutMs: SHORT_TIMEOUT_MS,
    source: { kind: 'sourced', note: '`no boot system`, then `boot system flash:FILE` in config mode [S: networktocode/pyntc ios_device.set_boot_options]' },
  },
  reload: {
    commands: ['reload'],
    confirm: [
      { prompt: /System configuration has been modified\. Save\? \[yes\/no\]:\s*$/i, answer: 'no' },
      { prompt: /Proceed with reload\? \[confirm\]\s*$/i, answer: '' },
    ],
    timeoutMs: SHORT_TIMEOUT_MS,
    source: { kind: 'sourced', note: '`reload`: `Save? [yes/no]` answered `no`, `Proceed with reload? [confirm]` with Enter [S: networktocode/pyntc ios_device.reboot, condoor IOS driver]' },
  },
};
