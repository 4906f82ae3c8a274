import type { FastifyInstance } from 'fastify';
import type { JournalIndex, StateChange } from './journal-index.js';
import { eventView } from './model.js';
import { Type } from 'typebox';

const HEARTBEAT_MS = 15_000;
/** A client that has this much unsent is too slow to follow: it is let go, and its browser reconnects. */
const MAX_BACKLOG_BYTES = 4 * 1024 * 1024;

function stateMessage(change: StateChange): string {
  return JSON.stringify({
    key: change.key, device: change.device, ...(change.site === undefined ? {} : { site: change.site }),
    state: change.state, since: new Date(change.time).toISOString(), lastEvent: change.event, ...(change.msg === undefined ? {} : { message: change.msg }),
    ...(change.became === undefined ? {} : { became: change.became }),
  });
}

/**
 * `/api/v1/events`: Server-Sent Events. Every journal entry is an `entry`
 * message (the Event schema), and every device state change a `state`
 * message ({key, device, site, state, since, lastEvent, message, became}); a comment
 * every 15 s keeps proxies from closing the stream.
 */
export function registerEvents(app: FastifyInstance, journal: JournalIndex): void {
  const open = new Set<() => void>();
  app.addHook('preClose', (done) => {
    for (const end of open) end();
    done();
  });
  app.get('/api/v1/events', {
    schema: {
      summary: 'live events (Server-Sent Events)',
      description: 'text/event-stream: `event: entry` carries an Event (as in /api/v1/events/recent), `event: state` a device state change {key, device, site, state, since, lastEvent, message}.',
      tags: ['events'],
      produces: ['text/event-stream'],
      response: { 200: Type.String({ description: 'an endless stream of events' }) },
    },
  }, (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    res.write('retry: 2000\n\n');
    const send = (text: string): void => {
      if (res.writableLength > MAX_BACKLOG_BYTES) {
        end();
        return;
      }
      res.write(text);
    };
    const stop = journal.listen((entry, changes) => {
      let text = `id: ${String(journal.last)}\nevent: entry\ndata: ${JSON.stringify(eventView(entry))}\n\n`;
      for (const change of changes) text += `event: state\ndata: ${stateMessage(change)}\n\n`;
      send(text);
    });
    const heartbeat = setInterval(() => { send(':\n\n'); }, HEARTBEAT_MS);
    const end = (): void => {
      stop();
      clearInterval(heartbeat);
      open.delete(end);
      if (!res.writableEnded) res.end();
    };
    open.add(end);
    request.raw.once('close', end);
  });
}
