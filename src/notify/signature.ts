import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Onramp-Signature';
export const TIMESTAMP_HEADER = 'X-Onramp-Timestamp';

/**
 * `sha256=<hex>` of HMAC-SHA256 over `<timestamp>.<body>`: the timestamp
 * (Unix seconds, sent in its own header) is signed with the body, so a
 * receiver that refuses old timestamps refuses a replayed request.
 */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** A receiver's check: the signature matches and the timestamp is within `toleranceSeconds` of `nowSeconds`. */
export function verifySignature(
  secret: string, timestamp: string, body: string, given: string, nowSeconds: number, toleranceSeconds = 300,
): boolean {
  const sent = Number(timestamp);
  if (!Number.isSafeInteger(sent) || Math.abs(nowSeconds - sent) > toleranceSeconds) return false;
  const expected = Buffer.from(signature(secret, timestamp, body));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
