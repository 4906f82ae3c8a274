import { isIPv4 } from 'node:net';
import type { Subnet } from './types.js';

function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** Parses `A.B.C.D/N`; returns a reason string when it is not one. */
export function parseSubnet(cidr: string): Subnet | string {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(cidr);
  if (match === null) return 'expected an IPv4 subnet in CIDR form, e.g. 10.77.0.0/24';
  const [, address = '', bitsText = ''] = match;
  const bits = Number(bitsText);
  if (!isIPv4(address)) return `${address} is not an IPv4 address`;
  if (bits > 32) return `prefix length ${bits} is over 32`;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const network = (ipv4ToNumber(address) & mask) >>> 0;
  return { cidr, network, mask };
}

export function subnetContains(subnet: Subnet, ip: string): boolean {
  if (!isIPv4(ip)) return false;
  return ((ipv4ToNumber(ip) & subnet.mask) >>> 0) === subnet.network;
}
