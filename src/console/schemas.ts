import { Type, type Static } from 'typebox';
import { PLAN_DIGEST_PATTERN } from '../provision/index.js';
import { DEVICE_STATES, type DeviceState } from './device-state.js';

/**
 * The API's answers and arguments, as JSON schemas: the routes validate and
 * serialise with them (nothing outside a schema leaves the server), and the
 * OpenAPI document is generated from them.
 */

const Iso = Type.String({ description: 'ISO 8601 time' });
const Name = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$', description: 'a device or site name' });
const VersionId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$', description: 'a backup version id' });

export const StateSchema = Type.Unsafe<DeviceState>({
  type: 'string',
  enum: [...DEVICE_STATES],
  description: 'waiting: expected, never seen; leased: seen, no verdict yet; identified: a factory switch recognised as this port map entry; provisioning: its config is being pushed; provisioned; ok; drift; failed; refused: stopped by a safety check (guard rails, host key, identity, allowed ranges); parked: a factory switch the port map did not identify, in its parking config until assigned',
});

export const CountsSchema = Type.Object({
  ok: Type.Integer(), drift: Type.Integer(), provisioning: Type.Integer(), failed: Type.Integer(), unknown: Type.Integer(),
}, { description: 'switches per state bucket: ok (ok, provisioned), drift, provisioning (leased, identified, provisioning), failed (failed, refused), unknown (waiting, parked)' });

export const SiteSummarySchema = Type.Object({
  name: Type.String(),
  counts: CountsSchema,
  devices: Type.Integer({ description: 'devices and port map entries of the site' }),
});

export const DeviceRowSchema = Type.Object({
  device: Type.String(),
  site: Type.Optional(Type.String()),
  ip: Type.Optional(Type.String()),
  model: Type.Optional(Type.String()),
  state: StateSchema,
  since: Type.Optional(Iso),
  lastEvent: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
});

export const PortRowSchema = Type.Object({
  /** Where the switch is expected: an uplink port, a MAC or an option-82 id. */
  uplink: Type.Optional(Type.Object({ device: Type.String(), port: Type.String() })),
  mac: Type.Optional(Type.String()),
  circuitId: Type.Optional(Type.String()),
  remoteId: Type.Optional(Type.String()),
  hostname: Type.String({ description: 'the device expected there' }),
  model: Type.String(),
  state: StateSchema,
  ip: Type.Optional(Type.String()),
  since: Type.Optional(Iso),
  message: Type.Optional(Type.String()),
});

export const FactoryRowSchema = Type.Object({
  mac: Type.String(),
  state: StateSchema,
  since: Iso,
  message: Type.Optional(Type.String()),
  became: Type.Optional(Type.String({ description: 'the port map entry it was identified as' })),
});

export const SiteDetailSchema = Type.Object({
  name: Type.String(),
  counts: CountsSchema,
  devices: Type.Array(DeviceRowSchema),
  portmap: Type.Array(PortRowSchema),
  factory: Type.Array(FactoryRowSchema, { description: 'factory switches seen at this site and not yet placed on its port map' }),
});

export const EventSchema = Type.Object({
  time: Iso,
  event: Type.String({ description: 'a log event name (PRODUCT.md "Log events")' }),
  level: Type.Integer({ description: 'pino level: 30 info, 40 warn, 50 error' }),
  msg: Type.Optional(Type.String()),
  device: Type.Optional(Type.String()),
  site: Type.Optional(Type.String()),
  ip: Type.Optional(Type.String()),
  mac: Type.Optional(Type.String()),
  result: Type.Optional(Type.String()),
  appliance: Type.Optional(Type.String({ description: 'with a database several appliances share: the appliance whose log said it' })),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'the event\'s other fields: diff, fingerprints, refusals, lines (secrets masked)' })),
});

export const RefusalSchema = Type.Object({ class: Type.String(), reason: Type.String(), lines: Type.Array(Type.String()) });

export const PlanRecordSchema = Type.Object({
  outcome: Type.Union([Type.Literal('pushed'), Type.Literal('refused')]),
  time: Iso,
  lines: Type.Array(Type.String()),
  refusals: Type.Optional(Type.Array(RefusalSchema)),
}, { description: 'the last remediation or provisioning plan: pushed, or refused with its reasons' });

export const DriftSchema = Type.Object({
  time: Iso,
  diff: Type.String({ description: 'unified diff, baseline (-) against running (+), secrets masked' }),
  added: Type.Integer(),
  removed: Type.Integer(),
});

export const OsSchema = Type.Object({
  version: Type.Optional(Type.String({ description: 'the OS version the switch reported; absent when it could not be read' })),
  wanted: Type.Optional(Type.String({ description: 'the version its site names for its model, when the site names one' })),
  compliant: Type.Optional(Type.Boolean({ description: 'whether it runs the version its site names' })),
  upgradedFrom: Type.Optional(Type.String({ description: 'the version it ran before onramp upgraded it' })),
}, { description: 'its OS version, as `onramp status` shows it' });

export const DeviceDetailSchema = Type.Object({
  device: Type.String(),
  site: Type.Optional(Type.String()),
  ip: Type.Optional(Type.String()),
  mac: Type.Optional(Type.String()),
  model: Type.Optional(Type.String({ description: 'the model its site names' })),
  profile: Type.Optional(Type.String()),
  serial: Type.Optional(Type.String({ description: 'the serial number the switch reported (show version)' })),
  reportedModel: Type.Optional(Type.String({ description: 'the model the switch reported (show version)' })),
  os: Type.Optional(OsSchema),
  appliance: Type.Optional(Type.String({ description: 'with a shared store (--store): the appliance that recorded its last outcome' })),
  state: StateSchema,
  since: Type.Optional(Iso),
  lastEvent: Type.Optional(Type.String()),
  result: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
  hostKey: Type.Optional(Type.Object({ fingerprint: Type.String(), source: Type.String(), pinnedAt: Type.String(), address: Type.Optional(Type.String()) })),
  refusedKey: Type.Optional(Type.Object({
    fingerprint: Type.String({ description: 'the key the switch shows now' }), pinned: Type.Optional(Type.String()), time: Iso,
  }, { description: 'the last changed host key refused, when it is not the one pinned now' })),
  lastDrift: Type.Optional(DriftSchema),
  plan: Type.Optional(PlanRecordSchema),
  features: Type.Optional(Type.Array(Type.Object({ name: Type.String(), compliant: Type.Boolean() }))),
});

export const VersionSchema = Type.Object({ id: Type.String(), time: Type.String(), cause: Type.Optional(Type.String()) });

export const DiffSchema = Type.Object({
  device: Type.String(), a: Type.String(), b: Type.String(), equal: Type.Boolean(), unified: Type.String(), added: Type.Integer(), removed: Type.Integer(),
});

export const RuleStatsSchema = Type.Object({
  time: Type.Optional(Iso),
  loadedAt: Type.Optional(Iso),
  files: Type.Array(Type.Object({
    file: Type.String(),
    rules: Type.Array(Type.Object({ line: Type.Integer(), type: Type.String(), matches: Type.Integer() })),
  })),
});

export const OutcomeSchema = Type.Object({
  device: Type.String(),
  action: Type.String(),
  exitCode: Type.Integer({ description: 'as the CLI command would exit: 0 ok, 1 finding (drift), 2 bad input, 3 failure' }),
  result: Type.Optional(Type.String()),
  message: Type.String(),
  lines: Type.Optional(Type.Array(Type.String(), { description: 'a plan: the lines a remediation types, secrets masked' })),
  planDigest: Type.Optional(Type.String({ pattern: PLAN_DIGEST_PATTERN, description: 'with a plan: the digest of its lines and of the running config it was made from; POST it to …/remediate to push exactly these lines' })),
  changed: Type.Optional(Type.Boolean({ description: 'a remediation confirmed on a plan that is not the plan now (the switch\'s config changed since): nothing was sent; lines and planDigest are the plan now' })),
});

export const ErrorSchema = Type.Object({ statusCode: Type.Integer(), error: Type.String(), message: Type.String() });

export const SessionSchema = Type.Object({
  user: Type.Optional(Type.String()),
  role: Type.Optional(Type.Union([Type.Literal('viewer'), Type.Literal('operator')])),
  csrfToken: Type.String({ description: 'send it back with every POST, in the x-csrf-token header' }),
  mode: Type.Union([Type.Literal('live'), Type.Literal('read-only')]),
});

export const LoginSchema = Type.Object({ username: Type.String({ maxLength: 64 }), password: Type.String({ maxLength: 1024 }) });
export const RemediateSchema = Type.Object({
  planDigest: Type.String({ pattern: PLAN_DIGEST_PATTERN, description: 'the planDigest POST …/plan answered: only that plan is pushed' }),
});
export const AcceptKeySchema = Type.Object({ fingerprint: Type.String({ pattern: '^SHA256:[A-Za-z0-9+/]{43}$' }) });

export const NameParams = Type.Object({ name: Name });
export const DiffQuery = Type.Object({ a: VersionId, b: VersionId });
export const EventsQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) });

export type SiteSummary = Static<typeof SiteSummarySchema>;
export type DeviceRow = Static<typeof DeviceRowSchema>;
export type PortRow = Static<typeof PortRowSchema>;
export type FactoryRow = Static<typeof FactoryRowSchema>;
export type SiteDetail = Static<typeof SiteDetailSchema>;
export type EventView = Static<typeof EventSchema>;
export type DeviceDetail = Static<typeof DeviceDetailSchema>;
export type Drift = Static<typeof DriftSchema>;
export type OsView = Static<typeof OsSchema>;
export type Counts = Static<typeof CountsSchema>;
