import { BlockList, isIPv4 } from 'node:net';
import type { ConfigNode } from './tree.js';

/** An `ip address` line: the address, its prefix length (none: a host), and whether it is a secondary. */
interface AddressLine {
  address: string;
  prefix: number | undefined;
  secondary: boolean;
}

const ADDRESS_LINE = /^(?:management )?ip(?:v4)? address (\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2})|\s+(\d{1,3}(?:\.\d{1,3}){3}))?(\s+secondary)?(?:\s|$)/;

function prefixOfMask(mask: string): number | undefined {
  const bits = mask.split('.').map((octet) => Number(octet).toString(2).padStart(8, '0')).join('');
  if (bits.length !== 32 || !/^1*0*$/.test(bits)) return undefined;
  const ones = bits.indexOf('0');
  return ones < 0 ? 32 : ones;
}

function addressOf(text: string): AddressLine | undefined {
  const match = ADDRESS_LINE.exec(text);
  if (match?.[1] === undefined || !isIPv4(match[1])) return undefined;
  const prefix = match[2] !== undefined ? Number(match[2]) : match[3] !== undefined ? prefixOfMask(match[3]) : undefined;
  return { address: match[1], prefix: prefix !== undefined && prefix <= 32 ? prefix : undefined, secondary: match[4] !== undefined };
}

function inSubnet(line: AddressLine, ip: string): boolean {
  if (line.prefix === undefined) return false;
  const subnet = new BlockList();
  subnet.addSubnet(line.address, line.prefix, 'ipv4');
  return subnet.check(ip, 'ipv4');
}

/** Where an address is set: a top-level line, or a section (`interface vlan77`) and its line. */
interface Carrier {
  section: ConfigNode | undefined;
  line: ConfigNode;
  address: AddressLine;
}

function carriers(tree: readonly ConfigNode[]): Carrier[] {
  const found: Carrier[] = [];
  for (const node of tree) {
    const top = addressOf(node.text);
    if (top !== undefined) found.push({ section: undefined, line: node, address: top });
    for (const child of node.children) {
      const address = addressOf(child.text);
      if (address !== undefined) found.push({ section: node, line: child, address });
    }
  }
  return found;
}

/** One reason, with the config line it is about (as the tree holds it). */
export interface ManagementProblem {
  message: string;
  text: string;
}

/**
 * Why a golden config would take away the address onramp reaches its
 * device at (`mgmtAddress`, the site's `ip:`), as far as the config alone
 * can tell: the interface carrying it is shut down, or the config gives
 * that subnet's interface another address (a baseline copied from a
 * neighbour). A config with no interface in that subnet says nothing
 * (the switch is reached through NAT, a routed or out-of-band port), nor
 * does one whose interface takes its address from DHCP. Empty: nothing
 * known against it.
 */
export function managementProblems(tree: readonly ConfigNode[], mgmtAddress: string): ManagementProblem[] {
  if (!isIPv4(mgmtAddress)) return [];
  const all = carriers(tree);
  const own = all.filter((carrier) => carrier.address.address === mgmtAddress);
  if (own.length > 0) {
    return own.filter((carrier) => carrier.section?.children.some((child) => child.text === 'shutdown') === true)
      .map((carrier) => ({
        message: `${carrier.section?.text ?? ''} carries ${mgmtAddress}, the address onramp reaches the device at (its ip: in the site), and is shut down`,
        text: carrier.line.text,
      }));
  }
  if (tree.some((node) => node.children.some((child) => child.text === 'ip address dhcp'))) return [];
  return all.filter((carrier) => !carrier.address.secondary && inSubnet(carrier.address, mgmtAddress)).map((carrier) => {
    const where = carrier.section === undefined ? carrier.line.text : `${carrier.section.text} has ${carrier.line.text}`;
    return {
      message: `${where}: the address onramp reaches the device at (${mgmtAddress}, its ip: in the site) is in that subnet but set nowhere; pushing this would change it`,
      text: carrier.line.text,
    };
  });
}
