import type { Profile } from '../device/profile.js';

/**
 * Replaces passwords, enable secrets, SNMP communities and keys by
 * `<secret hidden>` using the profile's rules. The line count never changes,
 * so a masked text lines up with the original (diffConfigs relies on it).
 */
export function maskSecrets(text: string, profile: Profile): string {
  let masked = text.replace(/\r\n/g, '\n');
  for (const mask of profile.secretMasks) masked = masked.replace(mask.pattern, mask.replace);
  return masked;
}
