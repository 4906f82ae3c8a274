import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { diffConfigs } from '../config/index.js';
import { PLAN_DIGEST_PATTERN } from '../provision/index.js';
import { isSafeName } from '../state/index.js';
import { ActionRefused, type ActionOutcome, type ConsoleActions } from './actions.js';
import { sessionOf, type Auth } from './auth.js';
import type { ConsoleModel } from './model.js';
import { CSS, JS } from './views/assets.js';
import { diffLines, renderPage, type ViewName } from './views/render.js';

interface NameParams { name: string }

function nameOf(request: FastifyRequest): string | undefined {
  const { name } = request.params as Partial<NameParams>;
  return typeof name === 'string' && isSafeName(name) ? name : undefined;
}

function field(request: FastifyRequest, key: string): string | undefined {
  const body = request.body;
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

const CONFIRMATION = new RegExp(PLAN_DIGEST_PATTERN);

const ACTION_TITLES = { check: 'Check', remediate: 'Remediate', backup: 'Back up', 'accept-hostkey': 'Accept host key' } as const;

/** The server-rendered pages: overview, site, device, rules, login, and the operator's forms. */
export function registerPages(app: FastifyInstance, model: ConsoleModel, auth: Auth): void {
  const actions: ConsoleActions = model.source.actions;
  const page = (request: FastifyRequest, reply: FastifyReply, view: ViewName, title: string, data: Record<string, unknown>, code = 200): FastifyReply => {
    const session = sessionOf(request);
    const frame = {
      title, csrf: session.csrf,
      ...(session.user === undefined ? {} : { user: session.user }),
      ...(actions.unavailable === undefined ? {} : { readOnly: actions.unavailable }),
    };
    return reply.code(code).type('text/html; charset=utf-8').send(renderPage(view, frame, data));
  };
  const notFound = (request: FastifyRequest, reply: FastifyReply, what: string): FastifyReply =>
    page(request, reply, 'error', 'Not found', { title: 'Not found', message: what }, 404);
  const isOperator = (request: FastifyRequest): boolean => sessionOf(request).user?.role === 'operator';

  app.get('/static/console.css', (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=300').send(CSS));
  app.get('/static/console.js', (_request, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(JS));

  app.get('/login', (request, reply) => {
    const { next } = request.query as { next?: unknown };
    return page(request, reply, 'login', 'Log in', { next: safeNext(next) });
  });
  app.post('/login', async (request, reply) => {
    const username = field(request, 'username') ?? '';
    const outcome = await auth.login(request, reply, username.slice(0, 64), (field(request, 'password') ?? '').slice(0, 1024));
    if ('error' in outcome) {
      if (outcome.retryAfter !== undefined) void reply.header('retry-after', String(outcome.retryAfter));
      return page(request, reply, 'login', 'Log in', { error: outcome.error, username, next: safeNext(field(request, 'next')) }, outcome.status);
    }
    return reply.redirect(safeNext(field(request, 'next')), 303);
  });
  app.post('/logout', (request, reply) => {
    auth.logout(request, reply);
    return reply.redirect('/login', 303);
  });

  app.get('/', async (request, reply) => page(request, reply, 'overview', 'Overview', {
    sites: await model.siteSummaries(), events: model.events(undefined, 50),
  }));
  app.get('/sites/:name', async (request, reply) => {
    const name = nameOf(request);
    const site = name === undefined ? undefined : await model.site(name);
    if (site === undefined) return notFound(request, reply, 'No site of that name.');
    return page(request, reply, 'site', `Site ${site.name}`, { site });
  });
  app.get('/devices/:name', async (request, reply) => {
    const name = nameOf(request);
    const device = name === undefined ? undefined : await model.device(name);
    if (device === undefined) return notFound(request, reply, 'No device of that name has been seen or is in a site.');
    const versions = (await (await model.source.backups()).list(device.device)).reverse();
    return page(request, reply, 'device', device.device, {
      d: device, operator: isOperator(request) && actions.unavailable === undefined, versions,
      driftLines: device.lastDrift === undefined ? [] : diffLines(device.lastDrift.diff),
      fixed: device.lastDrift !== undefined && (device.state === 'ok' || device.state === 'provisioned'),
      events: model.events(device.device, 100),
    });
  });
  app.get('/devices/:name/diff', async (request, reply) => {
    const name = nameOf(request);
    const { a, b } = request.query as { a?: unknown; b?: unknown };
    if (name === undefined || typeof a !== 'string' || typeof b !== 'string' || !isSafeName(a) || !isSafeName(b)) {
      return page(request, reply, 'error', 'Bad request', { title: 'Bad request', message: 'Pick two versions to compare.' }, 400);
    }
    const backups = await model.source.backups();
    const [left, right] = [await backups.read(name, a), await backups.read(name, b)];
    if (left === undefined || right === undefined) return notFound(request, reply, `No version ${left === undefined ? a : b} of ${name}.`);
    const diff = diffConfigs(left, right, { expected: `${name}@${a}`, actual: `${name}@${b}` });
    return page(request, reply, 'version-diff', `${name} ${a}→${b}`, {
      device: name, a, b, equal: diff.equal, added: diff.added, removed: diff.removed, lines: diffLines(diff.unified),
    });
  });
  app.get('/rules', async (request, reply) => page(request, reply, 'rules', 'Rules', { stats: await model.source.ruleStats() }));

  /** An operator's action on a device, answered with the result page unless `shown` answers it otherwise. */
  const act = async (
    request: FastifyRequest, reply: FastifyReply, action: keyof typeof ACTION_TITLES, run: (host: string) => Promise<ActionOutcome>,
    shown?: (host: string, outcome: ActionOutcome) => FastifyReply | undefined,
  ): Promise<FastifyReply> => {
    const name = nameOf(request);
    if (name === undefined) return notFound(request, reply, 'No device of that name.');
    if (!isOperator(request)) return page(request, reply, 'error', 'Forbidden', { title: 'Forbidden', message: 'This needs the operator role.' }, 403);
    let outcome: ActionOutcome;
    try {
      outcome = await run(name);
    } catch (err) {
      if (!(err instanceof ActionRefused)) throw err;
      return page(request, reply, 'error', 'Not done', { title: `${ACTION_TITLES[action]} ${name}: not done`, message: err.message }, err.statusCode);
    }
    return shown?.(name, outcome) ?? page(request, reply, 'result', `${ACTION_TITLES[action]} ${name}`, {
      action: ACTION_TITLES[action], device: name, ok: outcome.exitCode === 0, message: outcome.message, lines: outcome.lines ?? [],
    });
  };
  app.post('/devices/:name/check', (request, reply) => act(request, reply, 'check', (host) => actions.check(host)));
  app.post('/devices/:name/backup', (request, reply) => act(request, reply, 'backup', (host) => actions.backup(host)));
  app.post('/devices/:name/remediate', (request, reply) => act(request, reply, 'remediate', (host) => {
    const planDigest = field(request, 'plan') ?? '';
    if (!CONFIRMATION.test(planDigest)) throw new ActionRefused(400, 'Confirm the plan from the remediation page: nothing was sent.');
    return actions.remediate(host, planDigest);
  }, (name, outcome) => (outcome.changed === true
    // The plan shown was not the plan at push time: nothing was sent; the plan now, to confirm in its turn.
    ? page(request, reply, 'confirm-remediate', `Remediate ${name}`, { device: name, lines: outcome.lines ?? [], planDigest: outcome.planDigest, message: outcome.message, changed: true }, 409)
    : undefined)));
  app.post('/devices/:name/accept-hostkey', (request, reply) => act(request, reply, 'accept-hostkey', async (host) => {
    const fingerprint = field(request, 'fingerprint') ?? '';
    const shown = (await model.device(host))?.refusedKey?.fingerprint;
    if (shown !== fingerprint) throw new ActionRefused(409, `${host} is not refusing the key ${fingerprint} now${shown === undefined ? '' : ` (it shows ${shown})`}; nothing pinned`);
    return actions.acceptHostKey(host, fingerprint);
  }));

  // The confirmation pages: the plan as it would be pushed, the key as it would be pinned.
  app.get('/devices/:name/remediate', async (request, reply) => {
    const name = nameOf(request);
    if (name === undefined) return notFound(request, reply, 'No device of that name.');
    if (!isOperator(request)) return page(request, reply, 'error', 'Forbidden', { title: 'Forbidden', message: 'This needs the operator role.' }, 403);
    let plan: ActionOutcome;
    try {
      plan = await actions.plan(name);
    } catch (err) {
      if (!(err instanceof ActionRefused)) throw err;
      return page(request, reply, 'error', 'Not done', { title: `Remediate ${name}: not possible`, message: err.message }, err.statusCode);
    }
    const message = plan.exitCode === 0 ? 'The device matches its baseline: there is nothing to remediate.' : plan.message;
    const shown = plan.exitCode === 1 && plan.planDigest !== undefined ? plan.lines ?? [] : [];
    return page(request, reply, 'confirm-remediate', `Remediate ${name}`, { device: name, lines: shown, planDigest: plan.planDigest, message });
  });
  app.get('/devices/:name/accept-hostkey', async (request, reply) => {
    const name = nameOf(request);
    const device = name === undefined ? undefined : await model.device(name);
    if (device === undefined) return notFound(request, reply, 'No device of that name.');
    if (!isOperator(request)) return page(request, reply, 'error', 'Forbidden', { title: 'Forbidden', message: 'This needs the operator role.' }, 403);
    if (device.refusedKey === undefined) {
      return page(request, reply, 'error', 'Nothing to accept', { title: 'Nothing to accept', message: `${device.device} has no refused host key.` }, 409);
    }
    return page(request, reply, 'confirm-hostkey', `Accept host key of ${device.device}`, {
      device: device.device, fingerprint: device.refusedKey.fingerprint, pinned: device.hostKey?.fingerprint,
    });
  });
}

/** Where to go after login: a path on this console, never another site. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}
