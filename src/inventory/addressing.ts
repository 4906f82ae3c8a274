import { subnetContains } from './subnets.js';
import type { Site, SiteDevice, Subnet } from './types.js';

function where(site: Site, line: number | undefined): string {
  return line === undefined ? site.file : `${site.file}:${String(line)}`;
}

function overlaps(a: Subnet, b: Subnet): boolean {
  // Two CIDR blocks overlap only when one holds the other: compare under the shorter mask.
  const mask = Math.min(a.mask, b.mask);
  return ((a.network & mask) >>> 0) === ((b.network & mask) >>> 0);
}

/**
 * What `onramp sites check` refuses in the addressing of all sites together:
 * subnets that overlap (a lease would belong to two of them; onramp takes the
 * longest prefix, but it is a mistake to fix), two devices with one address,
 * and a device whose address is in none of its site's subnets (its leases
 * would be taken for another site's, or none). `file:line: message` each.
 */
export function addressingProblems(sites: Site[]): string[] {
  const problems: string[] = [];
  const subnets = sites.flatMap((site) => site.subnets.map((subnet) => ({ site, subnet })));
  subnets.forEach(({ site, subnet }, index) => {
    for (const earlier of subnets.slice(0, index)) {
      if (!overlaps(subnet, earlier.subnet)) continue;
      const other = earlier.site === site ? 'this site' : `site ${earlier.site.name}`;
      problems.push(`${where(site, subnet.line)}: subnets: ${subnet.cidr} overlaps ${earlier.subnet.cidr} of ${other} (${where(earlier.site, earlier.subnet.line)})`);
    }
  });
  const addresses = new Map<string, { site: Site; device: SiteDevice }>();
  for (const site of sites) {
    for (const device of site.devices) {
      const ip = device.ip;
      if (ip === undefined) continue;
      const at = `${where(site, device.source.line)}: ${device.hostname}`;
      const first = addresses.get(ip);
      if (first !== undefined) {
        problems.push(`${at}: ip ${ip} is also the address of ${first.device.hostname} (${where(first.site, first.device.source.line)})`);
      } else {
        addresses.set(ip, { site, device });
      }
      if (!site.subnets.some((subnet) => subnetContains(subnet, ip))) {
        problems.push(`${at}: ip ${ip} is in none of site ${site.name}'s subnets (${site.subnets.map((s) => s.cidr).join(', ')})`);
      }
    }
  }
  return problems;
}
