import { getProfile, isDeviceError, type DeviceFacts, type LldpNeighbor, type Profile } from '../device/index.js';
import { parkedHostname, parkingTemplate, templateVars, type Site } from '../inventory/index.js';
import { Events } from '../log/index.js';
import { compareConfigs, provisionDevice, renderTemplate, TemplateError } from '../provision/index.js';
import type { JobDeadline } from './deadline.js';
import type { SwitchSessions } from './factory-session.js';
import { guardFor } from './guard.js';
import { sameSystem, type FactoryLease, type Observed } from './identity.js';
import { JobBase, refusalMessage, refusedOutcome, type Fields, type Outcome } from './job-base.js';
import { targetFor, withSession } from './session.js';
import type { FactsRecord, ParkedRecord, ParkReason } from './status.js';

/** Device output shown to a person: printable, bounded. */
function shown(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
}

/** LLDP neighbours as `SYSTEM PORT (local PORT)`, and the uplink (a neighbour that is a device of the site, else a MAC-table hit). */
export function describeObserved(site: Site, observed: Observed): Pick<ParkedRecord, 'lldp' | 'uplink'> {
  const described: Pick<ParkedRecord, 'lldp' | 'uplink'> = {};
  const neighbours = observed.neighbours ?? [];
  if (neighbours.length > 0) described.lldp = neighbours.slice(0, 8).map((n) => `${shown(n.systemName)} ${shown(n.portId)} (local ${shown(n.localPort)})`);
  const known = (n: LldpNeighbor): string | undefined => site.devices.find((device) => sameSystem(n.systemName, device.hostname))?.hostname;
  const neighbour = neighbours.find((n) => known(n) !== undefined);
  const hit = observed.macHits?.[0];
  if (neighbour !== undefined) described.uplink = `${known(neighbour) ?? ''} ${shown(neighbour.portId)}`;
  else if (hit !== undefined) described.uplink = `${hit.device} ${shown(hit.port)}`;
  return described;
}

export function factsRecord(facts: DeviceFacts): FactsRecord | undefined {
  const record: FactsRecord = {};
  if (facts.family !== undefined) record.family = facts.family;
  if (facts.serial !== undefined) record.serial = facts.serial;
  if (facts.model !== undefined) record.model = facts.model;
  if (facts.version !== undefined) record.version = facts.version;
  return Object.keys(record).length === 0 ? undefined : record;
}

export interface ParkRequest {
  site: Site;
  lease: FactoryLease;
  sessions: SwitchSessions;
  deadline: JobDeadline;
  /** The factory switch's own fields (`Switch <mac>`). */
  fields: Fields;
  reason: ParkReason;
  candidates?: string[];
  observed: Observed;
  facts: DeviceFacts;
  /** The profile the switch was spoken to with before its family was known. */
  fallback: Profile;
  /** Why, in words, when the reason alone does not tell (the OS upgrade that failed). */
  note?: string;
}

/**
 * Parking: a factory switch the port map does not identify is given the
 * site's parking config (management only, access ports shut, the site's
 * login in place of the factory one), pushed through the planner and the
 * guard rails like any provisioning, saved, and verified by logging in with
 * the site credentials. It keeps its factory MAC's host key pin until an
 * operator assigns it (`onramp assign`).
 */
export class ParkingWork extends JobBase {
  async park(request: ParkRequest): Promise<Outcome> {
    const { site, lease, fields, facts } = request;
    const family = facts.family ?? (request.fallback.name === 'generic' ? undefined : request.fallback.name);
    const template = parkingTemplate(site, family);
    const recorded = factsRecord(facts);
    const withFacts = recorded === undefined ? {} : { facts: recorded };
    if (template === undefined) {
      const message = 'not parked: the switch\'s family is not known, so no parking-<model>.hbs fits; name one with parking.template';
      this.logger.error({ event: Events.provisionFailed, ...fields, result: 'failed', reason: request.reason }, message);
      await this.record(fields, 'park', Events.provisionFailed, 'failed', { message, ...withFacts });
      return 'failed';
    }
    const profile = family === undefined ? request.fallback : getProfile(family);
    const credentials = this.credentials(site);
    const hostname = parkedHostname(lease.mac);
    let intended: string;
    try {
      const parked = { mac: lease.mac, ...(facts.serial === undefined ? {} : { serial: facts.serial }), ...(facts.model === undefined ? {} : { model: facts.model }) };
      intended = await renderTemplate(this.deps.inventory.templatesDir, template, templateVars(site, { hostname, model: family ?? 'unknown', vars: { parked } }, credentials));
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      const message = `not parked: ${err.message}`;
      this.logger.error({ event: Events.provisionFailed, ...fields, result: 'failed', reason: request.reason }, message);
      await this.record(fields, 'park', Events.provisionFailed, 'failed', { message, ...withFacts });
      return 'bad-input';
    }
    const session = await request.sessions.session(profile);
    const observed = { ...request.observed };
    if (observed.neighbours === undefined) {
      try {
        observed.neighbours = await session.lldpNeighbors();
      } catch (err) {
        // What the switch sees is shown if it can be read; a switch without LLDP is parked all the same.
        if (!isDeviceError(err, 'rejected')) throw err;
      }
    }
    request.deadline.beginPush();
    // The push's own events name the switch as the parking config does (its config is checked for that hostname).
    const pushFields: Fields = { ...fields, device: hostname };
    const push = await provisionDevice({
      session, intended, profile, logger: this.logger, fields: pushFields, announce: false, onFailure: site.policy.onFailure, guard: guardFor(site, lease.ip, 'provision'),
      ...this.stopBudget(site),
    });
    if (!push.ok && push.reason === 'stopped') return this.stoppedPush(push, fields, 'park');
    const plan = this.planRecord(push, profile);
    if (!push.ok && push.reason === 'refused') {
      await this.record(fields, 'park', Events.planRefused, 'failed', { plan, message: `not parked: ${refusalMessage(push.refusals)}`, ...withFacts });
      return refusedOutcome(push.refusals);
    }
    if (!push.ok) {
      await this.record(fields, 'park', Events.provisionFailed, 'failed', { plan, message: `not parked: ${push.reason}`, ...withFacts });
      return 'failed';
    }
    // The parking config replaced the factory login with the site's: prove it, with the same host key as before.
    const verified = await withSession(request.deadline.connector, targetFor(site, lease.ip, credentials, profile, { kind: 'factory', mac: lease.mac }), async (fresh) => ({
      hostname: fresh.hostname(),
      diff: compareConfigs(intended, await fresh.runningConfig(), profile, hostname),
    }));
    if (verified.hostname.toLowerCase() !== hostname || !verified.diff.equal) {
      const why = verified.diff.equal ? `prompt says ${verified.hostname}` : `running config differs (+${verified.diff.added} -${verified.diff.removed})`;
      this.logger.error({ event: Events.provisionFailed, ...fields, result: 'failed', diff: verified.diff.unified }, `parking not verified with site credentials: ${why}`);
      await this.record(fields, 'park', Events.provisionFailed, 'failed', { plan, message: `not parked: ${why}`, ...withFacts });
      return 'failed';
    }
    const record: ParkedRecord = {
      reason: request.reason, mac: lease.mac, time: new Date(this.deps.now()).toISOString(),
      ...(request.candidates === undefined ? {} : { candidates: request.candidates }),
      ...(facts.serial === undefined ? {} : { serial: facts.serial }),
      ...(facts.model === undefined ? {} : { model: facts.model }),
      ...describeObserved(site, observed),
    };
    const command = `onramp assign ${lease.mac} --as NAME`;
    this.logger.warn(
      { event: Events.parked, ...fields, result: 'parked', reason: request.reason, ...withFacts, parked: record, command },
      `parked (${request.reason}) with ${template}.hbs and the site login, saved; say what it is with: ${command}`,
    );
    const why = request.note === undefined ? request.reason : `${request.reason}: ${request.note}`;
    await this.record(fields, 'park', Events.parked, 'parked', { plan, parked: record, message: `parked (${why}); ${command}`, ...withFacts });
    return 'parked';
  }
}
