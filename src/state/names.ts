/**
 * Device names and other values that end up as file names come from DHCP
 * clients and switches, i.e. from anyone on the wire. Only this shape may
 * become a path segment: no separators, no dot-dot, no control bytes.
 */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function isSafeName(name: string): boolean {
  return SAFE_NAME.test(name) && !name.includes('..');
}

export function assertSafeName(name: string): void {
  if (!isSafeName(name)) {
    throw new Error(`unsafe name for a state file: ${JSON.stringify(name.slice(0, 80))}`);
  }
}
