import { isSafeName } from '../state/index.js';
import { parseSubnet, subnetContains } from './subnets.js';
import type { OnboardSettings, ParkingSettings, Subnet } from './types.js';
import type { Path, SiteValidator } from './validate.js';

const ONBOARD_KEYS = ['allowedRanges'];
const PARKING_KEYS = ['template'];

/** Whether all of `range` lies inside `subnet`. */
function within(range: Subnet, subnet: Subnet): boolean {
  return range.mask >= subnet.mask && ((range.network & subnet.mask) >>> 0) === subnet.network;
}

/**
 * `onboard: { allowedRanges: [CIDR, …] }`: the part of the site's subnets
 * where factory switches are worked on. Each range must lie inside one of the
 * site's subnets (a lease outside them never picks this site).
 */
export function onboardSettings(validator: SiteValidator, value: unknown, subnets: readonly Subnet[]): OnboardSettings {
  const path: Path = ['onboard'];
  if (value === undefined) return { allowedRanges: [] };
  const map = validator.map(value, path, 'a mapping (allowedRanges)');
  if (map === undefined) return { allowedRanges: [] };
  validator.keys(map, path, ONBOARD_KEYS);
  const raw = map.allowedRanges;
  if (raw === undefined) return { allowedRanges: [] };
  const at: Path = [...path, 'allowedRanges'];
  if (!Array.isArray(raw) || raw.length === 0) {
    validator.problem(at, 'expected a non-empty list of CIDR ranges, such as [10.77.0.128/25]');
    return { allowedRanges: [] };
  }
  const ranges: Subnet[] = [];
  raw.forEach((item, index) => {
    const parsed = typeof item === 'string' ? parseSubnet(item) : 'expected a CIDR range string';
    if (typeof parsed === 'string') {
      validator.problem([...at, index], parsed);
      return;
    }
    if (subnets.length > 0 && !subnets.some((subnet) => within(parsed, subnet))) {
      validator.problem([...at, index], `${parsed.cidr} is not inside any of the site's subnets (${subnets.map((subnet) => subnet.cidr).join(', ')})`);
      return;
    }
    ranges.push(parsed);
  });
  return { allowedRanges: ranges };
}

/** Whether a factory switch at `ip` may be worked on: inside an allowed range, or anywhere when the site names none. */
export function inAllowedRange(settings: OnboardSettings, ip: string): boolean {
  return settings.allowedRanges.length === 0 || settings.allowedRanges.some((range) => subnetContains(range, ip));
}

/** `parking: { template: NAME.hbs }`: a template file in the templates folder, for every parked switch of the site. */
export function parkingSettings(validator: SiteValidator, value: unknown): ParkingSettings {
  const path: Path = ['parking'];
  if (value === undefined) return {};
  const map = validator.map(value, path, 'a mapping (template)');
  if (map === undefined) return {};
  validator.keys(map, path, PARKING_KEYS);
  const template = validator.string(map.template, [...path, 'template'], false);
  if (template === undefined) return {};
  if (!isSafeName(template) || !template.endsWith('.hbs')) {
    validator.problem([...path, 'template'], `${JSON.stringify(template)} is not a template file name in the templates folder (NAME.hbs: letters, digits, '.', '_', '-')`);
    return {};
  }
  return { template };
}
