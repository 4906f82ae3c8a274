import type { Profile } from '../profile.js';
import { ciscoIos } from './cisco-ios.js';
import { fsS3900R } from './fs-s3900-r.js';
import { fsS3900 } from './fs-s3900.js';
import { fsS5850 } from './fs-s5850.js';
import { generic } from './generic.js';

export { buildProfile, ProfileError, type ProfileOverrides } from './build.js';

const PROFILES: readonly Profile[] = [fsS5850, fsS3900, fsS3900R, ciscoIos, generic];

export function profileNames(): string[] {
  return PROFILES.map((p) => p.name);
}

export function getProfile(name: string): Profile {
  const profile = PROFILES.find((p) => p.name === name);
  if (!profile) {
    throw new Error(`unknown device profile ${JSON.stringify(name)}; known profiles: ${profileNames().join(', ')}`);
  }
  return profile;
}

/**
 * A guess from the DHCP hostname, for reports and for sites that leave the
 * model out; the site or device entry decides. FS names follow the model
 * (`FS-S5850-CORE1`, `S3900-24F4S-R`).
 */
const SUGGESTIONS: { pattern: RegExp; profile: string }[] = [
  { pattern: /^(?:FS-)?S58[05]0(?:[-_]|$)/i, profile: 'fs-s5850' },
  { pattern: /^(?:FS-)?S3400(?:[-_]|$)|^(?:FS-)?S3900(?:-\w+)?-R(?:[-_]|$)|^(?:FS-)?S3900R(?:[-_]|$)/i, profile: 'fs-s3900-r' },
  { pattern: /^(?:FS-)?S3900(?:[-_]|$)/i, profile: 'fs-s3900' },
  { pattern: /^(?:cisco|WS-C\d|C(?:2960|3560|3650|3750|3850|9200|9300)(?:[-_X]|$))/i, profile: 'cisco-ios' },
];

export function suggestProfile(dhcpHostname: string): string | undefined {
  return SUGGESTIONS.find((s) => s.pattern.test(dhcpHostname))?.profile;
}
