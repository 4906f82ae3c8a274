import type { WebhookFormat } from '../inventory/index.js';
import type { NotifyPayload } from './payload.js';

/** Slack's and Teams' message text limits are generous; a long diff is cut so the message is still accepted. */
const DIFF_LIMIT = 2_800;

function headline(payload: NotifyPayload): string {
  const who = payload.device === undefined ? payload.site : `${payload.device} (${payload.site})`;
  return `onramp: ${payload.event} on ${who}${payload.result === undefined ? '' : `: ${payload.result}`}`;
}

function shortDiff(diff: string): string {
  return diff.length <= DIFF_LIMIT ? diff : `${diff.slice(0, DIFF_LIMIT)}\n… (cut)`;
}

/** A Slack-compatible incoming-webhook message: `text` for notifications, `blocks` for the channel. */
function slack(payload: NotifyPayload): unknown {
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${headline(payload)}*\n${payload.message.split('\n')[0] ?? ''}` } },
  ];
  if (payload.diff !== undefined && payload.diff !== '') {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${shortDiff(payload.diff)}\`\`\`` } });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${payload.time}${payload.ip === undefined ? '' : ` · ${payload.ip}`}` }] });
  return { text: headline(payload), blocks };
}

/** A Microsoft Teams incoming-webhook message carrying one Adaptive Card. */
function teams(payload: NotifyPayload): unknown {
  const facts = [
    { title: 'Event', value: payload.event },
    { title: 'Site', value: payload.site },
    ...(payload.device === undefined ? [] : [{ title: 'Device', value: payload.device }]),
    ...(payload.ip === undefined ? [] : [{ title: 'Address', value: payload.ip }]),
    ...(payload.result === undefined ? [] : [{ title: 'Result', value: payload.result }]),
    { title: 'Time', value: payload.time },
  ];
  const body: unknown[] = [
    { type: 'TextBlock', text: headline(payload), weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'TextBlock', text: payload.message.split('\n')[0] ?? '', wrap: true },
    { type: 'FactSet', facts },
  ];
  if (payload.diff !== undefined && payload.diff !== '') {
    body.push({ type: 'TextBlock', text: shortDiff(payload.diff), fontType: 'Monospace', wrap: true });
  }
  return {
    type: 'message',
    attachments: [{
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body },
    }],
  };
}

/** The JSON body a webhook of `format` is sent. */
export function webhookBody(payload: NotifyPayload, format: WebhookFormat): string {
  const shaped = format === 'slack' ? slack(payload) : format === 'teams' ? teams(payload) : payload;
  return JSON.stringify(shaped);
}
