/**
 * Guard rails: a pure check of a remediation plan against the running config
 * and what onramp itself stands on (the user it logs in as, the address it
 * reached the switch at and the interface carrying it, the default route,
 * VTY and SSH access, the hostname), before the first line is sent. A plan
 * that would cut onramp off, or that rewrites most of a switch, is refused
 * whole; a site lets a class through with `policy.allow` for a migration.
 */
import type { ConfigNode } from '../config/index.js';
import type { GuardRailClass } from '../inventory/index.js';
import type { PlanChange, RemediationPlan } from './plan/index.js';

export interface GuardRailContext {
  /** The username onramp logs in with. */
  loginUser: string;
  /** The address onramp reached the device at; absent when it is not known (nothing to protect). */
  mgmtAddress?: string;
  /** Classes the site lets through. */
  allow: readonly GuardRailClass[];
  /** Largest share of the running config's lines one plan may touch. */
  maxChangeRatio: number;
}

export interface Refusal {
  class: GuardRailClass;
  reason: string;
  /** The offending changes as `section > command`, as typed (unmasked: mask before showing). */
  lines: string[];
}

const NEGATION = /^no\s+/;
const DESCRIPTION = /^(?:no\s+)?description\b/;
const ADDRESS = /^(?:no\s+)?ip address\b/;
const SECONDARY = /\bsecondary$/;
const DEFAULT_ROUTE = /^(?:no\s+)?(?:ip default-gateway\b|ip default-network\b|ip route (?:vrf \S+ )?0\.0\.0\.0(?: 0\.0\.0\.0|\/0)\b|ipv6 route (?:vrf \S+ )?::\/0\b)/;
const VTY_SECTION = /^line vty\b/;
const VTY_ACCESS = /^(?:no\s+)?(?:login|transport|access-class|ipv6 access-class|password|authorization|privilege)\b/;
const SSH_SERVER = /^(?:no\s+)?(?:ip ssh\b|ssh server\b|service ssh\b|ssh-server\b|crypto key\b)/;
const HOSTNAME = /^(?:no\s+)?hostname\b/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function bare(line: string): string {
  return line.replace(NEGATION, '');
}

/** Where onramp's own management sits in the running config. */
interface Management {
  /** Openers of the sections carrying the address in use (`interface vlan77`); empty when a top-level line carries it. */
  interfaces: Set<string>;
  /** VLAN ids of those interfaces (`interface vlan77` → 77): removing the VLAN takes the interface down. */
  vlans: Set<string>;
  /** Top-level lines carrying the address in use (`management ip address 10.0.0.5/24`). */
  topLines: Set<string>;
}

function carriesAddress(text: string, address: string): boolean {
  const match = /(?:^|\s)ip address (\S+?)(?:\/\d+)?(?:\s|$)/.exec(text);
  return match?.[1] === address && !SECONDARY.test(text);
}

/**
 * The interfaces carrying `address` as a static address; when none does, the
 * ones taking theirs from DHCP (`ip address dhcp`), since that is how a
 * switch onramp reaches through a lease got the address.
 */
function findManagement(running: readonly ConfigNode[], address: string | undefined): Management {
  const found: Management = { interfaces: new Set(), vlans: new Set(), topLines: new Set() };
  if (address === undefined) return found;
  const dhcp: string[] = [];
  for (const node of running) {
    if (carriesAddress(node.text, address)) found.topLines.add(node.text);
    if (node.children.some((child) => carriesAddress(child.text, address))) found.interfaces.add(node.text);
    if (node.children.some((child) => child.text === 'ip address dhcp')) dhcp.push(node.text);
  }
  if (found.interfaces.size === 0 && found.topLines.size === 0) for (const opener of dhcp) found.interfaces.add(opener);
  for (const opener of found.interfaces) {
    const vlan = /^interface\s+vlan\s*(\d+)$/i.exec(opener)?.[1];
    if (vlan !== undefined) found.vlans.add(vlan);
  }
  return found;
}

/** The running lines a change touches: a removed or replaced section counts with everything inside it. */
function touchedLines(change: PlanChange, running: readonly ConfigNode[]): number {
  if (change.action === 'add') return 1;
  let level = running;
  for (const opener of change.path) {
    const section = level.find((node) => node.text === opener);
    if (section === undefined) return 1;
    level = section.children;
  }
  const target = change.replaces ?? bare(change.command);
  const node = level.find((candidate) => candidate.text === target);
  return node === undefined ? 1 : countLines([node]);
}

function countLines(nodes: readonly ConfigNode[]): number {
  return nodes.reduce((sum, node) => sum + 1 + countLines(node.children), 0);
}

/** The command and the running line a change takes away, for tests that ask about either. */
function linesOf(change: PlanChange): string[] {
  return change.replaces === undefined ? [change.command] : [change.command, change.replaces];
}

/** Removes, replaces or negates: takes something from the running config. */
function takesAway(change: PlanChange): boolean {
  return change.action !== 'add' || NEGATION.test(change.command);
}

interface Facts {
  management: Management;
  user: RegExp;
  hasDefaultRoute: boolean;
  addsHostname: boolean;
}

type Rail = (change: PlanChange, facts: Facts) => GuardRailClass | undefined;

const loginUser: Rail = (change, { user }) =>
  change.path.length === 0 && takesAway(change) && linesOf(change).some((line) => user.test(bare(line))) ? 'login-user' : undefined;

/** Deletes what it names: a removal or a `no …` line (a replace only changes a value). */
function deletes(change: PlanChange): boolean {
  return change.action === 'remove' || NEGATION.test(change.command);
}

function namesVlan(line: string, vlans: ReadonlySet<string>): boolean {
  const id = /^vlan\s+(\d+)(?:\s|$)/i.exec(bare(line))?.[1];
  return id !== undefined && vlans.has(id);
}

const management: Rail = (change, { management: mgmt }) => {
  const [section] = change.path;
  const lines = linesOf(change);
  if (section === undefined) {
    if (deletes(change) && lines.some((line) => mgmt.interfaces.has(bare(line)) || namesVlan(line, mgmt.vlans))) return 'mgmt-interface';
    return lines.some((line) => mgmt.topLines.has(bare(line))) ? 'mgmt-address' : undefined;
  }
  if (section === 'vlan database') return deletes(change) && lines.some((line) => namesVlan(line, mgmt.vlans)) ? 'mgmt-interface' : undefined;
  if (!mgmt.interfaces.has(section) || DESCRIPTION.test(change.command)) return undefined;
  if (ADDRESS.test(change.command)) return SECONDARY.test(change.command) ? undefined : 'mgmt-address';
  // Anything else inside it (shutdown, a VRF, an access group) can take the address away; a description cannot.
  return 'mgmt-interface';
};

const defaultRoute: Rail = (change, { hasDefaultRoute }) => {
  if (!linesOf(change).some((line) => DEFAULT_ROUTE.test(line))) return undefined;
  return takesAway(change) || hasDefaultRoute ? 'default-route' : undefined;
};

const vtyAccess: Rail = (change) => {
  const [section] = change.path;
  if (section === undefined) {
    if (takesAway(change) && linesOf(change).some((line) => VTY_SECTION.test(bare(line)))) return 'vty-access';
    return takesAway(change) && linesOf(change).some((line) => SSH_SERVER.test(line)) ? 'vty-access' : undefined;
  }
  return VTY_SECTION.test(section) && linesOf(change).some((line) => VTY_ACCESS.test(line)) ? 'vty-access' : undefined;
};

const hostname: Rail = (change, { addsHostname }) => {
  if (change.path.length !== 0 || !HOSTNAME.test(change.command)) return undefined;
  if (/^hostname\s*$/.test(change.command) || NEGATION.test(change.command)) return 'hostname';
  return change.action === 'remove' && !addsHostname ? 'hostname' : undefined;
};

const RAILS: readonly Rail[] = [loginUser, management, defaultRoute, vtyAccess, hostname];

function reasonFor(kind: GuardRailClass, context: GuardRailContext): string {
  switch (kind) {
    case 'login-user': return `removes or changes user ${context.loginUser}, whom onramp logs in as`;
    case 'mgmt-address': return `removes or changes ${context.mgmtAddress ?? 'the address'}, the address onramp reaches the switch at`;
    case 'mgmt-interface': return `removes or changes the interface carrying ${context.mgmtAddress ?? 'the management address'}`;
    case 'default-route': return 'removes or changes the default route';
    case 'vty-access': return 'removes or changes VTY login or transport, or SSH server access';
    case 'hostname': return 'leaves the switch without a hostname';
    case 'change-ratio': return `touches more than ${String(Math.round(context.maxChangeRatio * 100))}% of the running config`;
    case 'invalid-intended': return 'the intended config is not valid';
  }
}

export function describeChange(change: PlanChange): string {
  return [...change.path, change.command].join(' > ');
}

/**
 * Every refusal of `plan` (empty: it may be sent), one per class with all
 * its offending changes, leaving out the classes the context allows.
 */
export function checkGuardRails(plan: Pick<RemediationPlan, 'changes'>, running: readonly ConfigNode[], context: GuardRailContext): Refusal[] {
  const facts: Facts = {
    management: findManagement(running, context.mgmtAddress),
    user: new RegExp(`^username\\s+${escapeRegExp(context.loginUser)}(?:\\s|$)`),
    hasDefaultRoute: running.some((node) => DEFAULT_ROUTE.test(node.text)),
    addsHostname: plan.changes.some((change) => change.path.length === 0 && /^hostname\s+\S/.test(change.command)),
  };
  const offending = new Map<GuardRailClass, string[]>();
  const note = (kind: GuardRailClass, line: string): void => {
    if (context.allow.includes(kind)) return;
    offending.set(kind, [...(offending.get(kind) ?? []), line]);
  };
  for (const change of plan.changes) {
    for (const rail of RAILS) {
      const kind = rail(change, facts);
      if (kind !== undefined) note(kind, describeChange(change));
    }
  }
  const touched = plan.changes.reduce((sum, change) => sum + touchedLines(change, running), 0);
  const size = countLines(running);
  if (touched > 0 && (size === 0 || touched / size > context.maxChangeRatio) && !context.allow.includes('change-ratio')) {
    offending.set('change-ratio', [`${String(touched)} of ${String(size)} running line(s)`]);
  }
  return [...offending].map(([kind, lines]) => ({ class: kind, reason: reasonFor(kind, context), lines }));
}
