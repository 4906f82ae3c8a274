import { templatePath } from './models.js';
import { subnetContains } from './subnets.js';
import type { Credentials, PortmapEntry, Site, SiteDevice, TemplateVars } from './types.js';

export interface DeviceRef {
  site: Site;
  device: SiteDevice;
}

/** A device a site expects, by name and the profile it is spoken to with. */
export interface ExpectedDevice {
  site: string;
  device: string;
  profile: string;
}

export interface PortmapRef {
  site: Site;
  entry: PortmapEntry;
}

/**
 * The sites as loaded, plus devices learned at run time (factory switches
 * provisioned from the port map), which are looked up like configured ones.
 */
export class Inventory {
  private readonly learned = new Map<string, DeviceRef>();

  constructor(
    readonly sites: Site[],
    readonly baselinesDir: string,
    readonly templatesDir: string,
    /** Baseline texts by file, as validated when the sites were loaded. */
    private readonly baselines: ReadonlyMap<string, string> = new Map(),
  ) {}

  site(name: string): Site | undefined {
    return this.sites.find((site) => site.name === name);
  }

  /** The site of the most specific subnet holding `ip`, as a router picks the longest prefix. */
  siteForIp(ip: string): Site | undefined {
    let best: { site: Site; mask: number } | undefined;
    for (const site of this.sites) {
      for (const subnet of site.subnets) {
        if (subnetContains(subnet, ip) && (best === undefined || subnet.mask > best.mask)) best = { site, mask: subnet.mask };
      }
    }
    return best?.site;
  }

  /** Case-insensitive, as DHCP servers and switches disagree on case. */
  findDevice(hostname: string): DeviceRef | undefined {
    const key = hostname.toLowerCase();
    for (const site of this.sites) {
      const device = site.devices.find((candidate) => candidate.hostname.toLowerCase() === key);
      if (device !== undefined) return { site, device };
    }
    return this.learned.get(key);
  }

  findPortmapEntry(hostname: string): PortmapRef | undefined {
    const key = hostname.toLowerCase();
    for (const site of this.sites) {
      const entry = site.portmap.find((candidate) => candidate.hostname.toLowerCase() === key);
      if (entry !== undefined) return { site, entry };
    }
    return undefined;
  }

  /** Every device onramp can reach with site credentials: configured and learned. */
  devices(): DeviceRef[] {
    const configured = this.sites.flatMap((site) => site.devices.map((device) => ({ site, device })));
    return [...configured, ...this.learned.values()];
  }

  /** Every device a site expects: configured, learned, and the port map's switches still to come, each once. */
  expectedDevices(): ExpectedDevice[] {
    const seen = new Set<string>();
    const expected: ExpectedDevice[] = [];
    const add = (site: Site, hostname: string, profile: string): void => {
      const key = hostname.toLowerCase();
      if (seen.has(key)) return;
      seen.add(key);
      expected.push({ site: site.name, device: hostname, profile });
    };
    for (const { site, device } of this.devices()) add(site, device.hostname, device.profile);
    for (const site of this.sites) for (const entry of site.portmap) add(site, entry.hostname, entry.profile);
    return expected;
  }

  /** Records a device provisioned at run time; its next lease is an ordinary drift check. */
  addLearnedDevice(site: Site, device: SiteDevice): void {
    const key = device.hostname.toLowerCase();
    if (site.devices.some((candidate) => candidate.hostname.toLowerCase() === key)) return;
    this.learned.set(key, { site, device });
  }

  templatePath(model: string): string {
    return templatePath(this.templatesDir, model);
  }

  /**
   * The golden config as validated when the sites were loaded (never read
   * again from disk unchecked), or undefined when the device's intended
   * config is its rendered template.
   */
  baselineText(device: SiteDevice): string | undefined {
    if (device.intended !== 'baseline' || device.baselineFile === undefined) return undefined;
    const text = this.baselines.get(device.baselineFile);
    if (text === undefined) throw new Error(`${device.baselineFile}: baseline of ${device.hostname} was not validated when the sites were loaded`);
    return text;
  }
}

/**
 * Variables a template sees: site vars, overridden by the device's, plus the
 * names onramp owns (hostname, model, site, credentials), which win.
 */
export function templateVars(site: Site, entry: { hostname: string; model: string; vars: TemplateVars }, credentials: Credentials): TemplateVars {
  return {
    ...site.vars,
    ...entry.vars,
    hostname: entry.hostname,
    model: entry.model,
    site: site.name,
    credentials: { ...credentials },
  };
}
