/**
 * Switches reloading into a new OS, waited for by MAC: the first lease a
 * waiting switch's MAC takes after its reload says it is back, and where
 * (DHCP may hand it another address). Only a switch being waited for is
 * noticed; every other lease goes its usual way.
 */
export class ReturnWatch {
  private readonly waiting = new Map<string, (ip: string) => void>();

  /** Until `cancel`, the next lease from `mac` resolves `lease` with its address. */
  expect(mac: string): { lease: Promise<string>; cancel: () => void } {
    let resolve: (ip: string) => void = () => undefined;
    const lease = new Promise<string>((done) => {
      resolve = done;
    });
    const key = mac.toLowerCase();
    this.waiting.set(key, resolve);
    return {
      lease,
      cancel: () => {
        if (this.waiting.get(key) === resolve) this.waiting.delete(key);
      },
    };
  }

  /** A lease was granted; true when a switch coming back from its upgrade was waiting for it (the lease is its). */
  leaseSeen(mac: string, ip: string): boolean {
    const key = mac.toLowerCase();
    const resolve = this.waiting.get(key);
    if (resolve === undefined) return false;
    this.waiting.delete(key);
    resolve(ip);
    return true;
  }
}
