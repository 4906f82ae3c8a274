export { Notifier, DEAD_LETTER_FILE, type NotifierOptions } from './notifier.js';
export { signature, verifySignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signature.js';
export { webhookBody } from './formats.js';
export { payloadOf, REDACTED, type NotifyPayload } from './payload.js';
export type { NotifyClock } from './hook-queue.js';
export type { DeadLetter } from './dead-letter.js';
