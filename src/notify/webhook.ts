import type { WebhookFormat } from '../inventory/index.js';
import { webhookBody } from './formats.js';
import type { NotifyPayload } from './payload.js';
import { SIGNATURE_HEADER, signature, TIMESTAMP_HEADER } from './signature.js';

export interface WebhookTarget {
  format: WebhookFormat;
  /** Both read at each delivery, so a rotated secret file or a variable set for the service is picked up. */
  url: () => string;
  secret: () => string;
}

/** POSTs the payload, signed; anything but a 2xx answer within `timeoutMs` throws. */
export async function postWebhook(target: WebhookTarget, payload: NotifyPayload, timeoutMs: number, nowMs: number): Promise<void> {
  const body = webhookBody(payload, target.format);
  const timestamp = String(Math.floor(nowMs / 1000));
  const response = await fetch(target.url(), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signature(target.secret(), timestamp, body),
    },
    body,
    redirect: 'error',
    signal: AbortSignal.timeout(timeoutMs),
  });
  // The body is not read: it is the receiver's, and may be large. Discarding it frees the connection.
  await response.body?.cancel();
  if (!response.ok) throw new Error(`HTTP ${String(response.status)}`);
}
