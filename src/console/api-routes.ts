import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from 'typebox';
import { diffConfigs } from '../config/index.js';
import { ActionRefused, type ActionOutcome } from './actions.js';
import { HttpProblem } from './problem.js';
import { sessionOf, type Auth } from './auth.js';
import type { ConsoleModel } from './model.js';
import {
  AcceptKeySchema, DeviceDetailSchema, DeviceRowSchema, DiffQuery, DiffSchema, ErrorSchema, EventSchema, EventsQuery, LoginSchema,
  NameParams, OutcomeSchema, PlanRecordSchema, RemediateSchema, RuleStatsSchema, SessionSchema, SiteDetailSchema, SiteSummarySchema, VersionSchema,
} from './schemas.js';

/** Answers a route may give besides its own: each is an Error. */
function errors(...codes: number[]): Record<number, TSchema> {
  return Object.fromEntries(codes.map((code) => [code, ErrorSchema]));
}

function missing(what: string): never {
  throw new HttpProblem(404, what);
}

const READ = errors(401);
const ACTION = errors(400, 401, 403, 404, 409);

/**
 * `/api/v1`: the same data as the pages and the same actions, as JSON. Each
 * route validates its arguments and serialises its answer with the schemas
 * of schemas.ts (a field outside them is never sent), and the OpenAPI
 * document at /api/v1/openapi.json is generated from the same schemas.
 */
export function registerApi(parent: FastifyInstance, model: ConsoleModel, auth: Auth): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const actions = model.source.actions;
  const sessionView = (request: FastifyRequest): { user?: string; role?: 'viewer' | 'operator'; csrfToken: string; mode: 'live' | 'read-only' } => {
    const session = sessionOf(request);
    return {
      ...(session.user === undefined ? {} : { user: session.user.name, role: session.user.role }), csrfToken: session.csrf, mode: model.source.mode,
    };
  };

  app.get('/api/v1/session', {
    schema: { summary: 'who is logged in, and the CSRF token every POST must send back', tags: ['session'], response: { 200: SessionSchema } },
  }, (request) => sessionView(request));
  app.post('/api/v1/session', {
    schema: {
      summary: 'log in (rate-limited per user name and per address)', tags: ['session'], body: LoginSchema,
      response: { 200: SessionSchema, ...errors(400, 401, 403, 429) },
    },
  }, async (request, reply) => {
    const outcome = await auth.login(request, reply, request.body.username, request.body.password);
    if ('error' in outcome) {
      throw new HttpProblem(outcome.status, outcome.error, outcome.retryAfter);
    }
    return sessionView(request);
  });
  app.post('/api/v1/session/logout', {
    schema: { summary: 'log out; the answer carries the new visitor session\'s CSRF token', tags: ['session'], response: { 200: SessionSchema, ...errors(401, 403) } },
  }, (request, reply) => {
    auth.logout(request, reply);
    return sessionView(request);
  });

  app.get('/api/v1/sites', {
    schema: { summary: 'every site, with its switches counted by state', tags: ['sites'], response: { 200: Type.Array(SiteSummarySchema), ...READ } },
  }, () => model.siteSummaries());
  app.get('/api/v1/sites/:name', {
    schema: { summary: 'a site: its devices, its port map and the factory switches seen there', tags: ['sites'], params: NameParams, response: { 200: SiteDetailSchema, ...errors(400, 401, 404) } },
  }, async (request) => (await model.site(request.params.name)) ?? missing(`no site ${request.params.name}`));

  app.get('/api/v1/devices', {
    schema: { summary: 'every device of every site, and every other one seen', tags: ['devices'], response: { 200: Type.Array(DeviceRowSchema), ...READ } },
  }, () => model.devices());
  app.get('/api/v1/devices/:name', {
    schema: { summary: 'a device: identity, pinned host key, state, last drift, last plan', tags: ['devices'], params: NameParams, response: { 200: DeviceDetailSchema, ...errors(400, 401, 404) } },
  }, async (request) => (await model.device(request.params.name)) ?? missing(`no device ${request.params.name}`));
  app.get('/api/v1/devices/:name/events', {
    schema: { summary: 'a device\'s events, newest first', tags: ['devices'], params: NameParams, querystring: EventsQuery, response: { 200: Type.Array(EventSchema), ...errors(400, 401) } },
  }, (request) => model.events(request.params.name, request.query.limit ?? 100));
  app.get('/api/v1/devices/:name/history', {
    schema: { summary: 'the backup versions of a device, oldest first', tags: ['backups'], params: NameParams, response: { 200: Type.Array(VersionSchema), ...errors(400, 401) } },
  }, async (request) => (await (await model.source.backups()).list(request.params.name))
    .map((version) => ({ id: version.id, time: version.time, ...(version.cause === undefined ? {} : { cause: version.cause }) })));
  app.get('/api/v1/devices/:name/diff', {
    schema: { summary: 'the diff of two backup versions', tags: ['backups'], params: NameParams, querystring: DiffQuery, response: { 200: DiffSchema, ...errors(400, 401, 404) } },
  }, async (request) => {
    const { name } = request.params;
    const { a, b } = request.query;
    const backups = await model.source.backups();
    const [left, right] = [await backups.read(name, a), await backups.read(name, b)];
    if (left === undefined || right === undefined) return missing(`no version ${left === undefined ? a : b} of ${name}`);
    const diff = diffConfigs(left, right, { expected: `${name}@${a}`, actual: `${name}@${b}` });
    return { device: name, a, b, equal: diff.equal, unified: diff.unified, added: diff.added, removed: diff.removed };
  });
  app.get('/api/v1/devices/:name/plan', {
    schema: { summary: 'the last plan pushed to the device, or refused with its reasons', tags: ['plans'], params: NameParams, response: { 200: PlanRecordSchema, ...errors(400, 401, 404) } },
  }, async (request) => (await model.device(request.params.name))?.plan ?? missing(`no plan recorded for ${request.params.name}`));

  app.get('/api/v1/events/recent', {
    schema: { summary: 'the latest events of all devices and inputs, newest first', tags: ['events'], querystring: EventsQuery, response: { 200: Type.Array(EventSchema), ...errors(400, 401) } },
  }, (request) => model.events(undefined, request.query.limit ?? 100));
  app.get('/api/v1/rules', {
    schema: { summary: 'the rule files loaded and how many events each rule matched', tags: ['rules'], response: { 200: RuleStatsSchema, ...READ } },
  }, async () => (await model.source.ruleStats()) ?? { files: [] });

  const act = async (name: string, action: string, run: () => Promise<ActionOutcome>): Promise<ActionOutcome & { device: string; action: string }> =>
    ({ device: name, action, ...(await run()) });
  // The role is checked before the arguments: a viewer is answered 403 whatever they send.
  const operator = {
    preValidation: (request: FastifyRequest): Promise<void> => {
      auth.requireOperator(request);
      return Promise.resolve();
    },
  };
  const operatorOnly = 'Operator role; the x-csrf-token header. The answer comes when the work is done; it is what `onramp check` (or backup, hostkeys accept) would do, under the same per-device lock.';
  app.post('/api/v1/devices/:name/check', {
    ...operator,
    schema: { summary: 'check the device now (fetch, diff against its baseline)', description: operatorOnly, tags: ['actions'], params: NameParams, response: { 200: OutcomeSchema, ...ACTION } },
  }, (request) => act(request.params.name, 'check', () => actions.check(request.params.name)));
  app.post('/api/v1/devices/:name/plan', {
    ...operator,
    schema: { summary: 'the remediation plan for the device as it is now; nothing is sent', description: operatorOnly, tags: ['plans'], params: NameParams, response: { 200: OutcomeSchema, ...ACTION } },
  }, (request) => act(request.params.name, 'plan', () => actions.plan(request.params.name)));
  app.post('/api/v1/devices/:name/remediate', {
    ...operator,
    schema: {
      summary: 'push the plan POST …/plan answered (through the guard rails), save and verify',
      description: `${operatorOnly} The plan is made again under the lock, from the config the switch has then: only the plan of planDigest is sent. Any other is not sent but answered (changed, exit code 1) with its lines and digest, to confirm in turn.`,
      tags: ['actions'], params: NameParams, body: RemediateSchema, response: { 200: OutcomeSchema, ...ACTION },
    },
  }, (request) => act(request.params.name, 'remediate', () => actions.remediate(request.params.name, request.body.planDigest)));
  app.post('/api/v1/devices/:name/backup', {
    ...operator,
    schema: { summary: 'save the running config in the backup store now', description: operatorOnly, tags: ['actions'], params: NameParams, response: { 200: OutcomeSchema, ...ACTION } },
  }, (request) => act(request.params.name, 'backup', () => actions.backup(request.params.name)));
  app.post('/api/v1/devices/:name/accept-hostkey', {
    ...operator,
    schema: {
      summary: 'pin the changed host key the device shows now', description: `${operatorOnly} The fingerprint must be the one the device was refused with.`,
      tags: ['actions'], params: NameParams, body: AcceptKeySchema, response: { 200: OutcomeSchema, ...ACTION },
    },
  }, (request) => act(request.params.name, 'accept-hostkey', async () => {
    const { name } = request.params;
    const shown = (await model.device(name))?.refusedKey?.fingerprint;
    if (shown !== request.body.fingerprint) throw new ActionRefused(409, `${name} is not refusing the key ${request.body.fingerprint} now${shown === undefined ? '' : ` (it shows ${shown})`}; nothing pinned`);
    return actions.acceptHostKey(name, request.body.fingerprint);
  }));
}
