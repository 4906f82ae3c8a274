import type { LeaseDetails, NativeActionSink } from '../engine/index.js';

/** What the appliance puts behind the engine: the onboarder, which finishes its device work on close(). */
export interface ClosableSink extends NativeActionSink {
  /** Starts nothing more; resolves when the work under way has ended. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

type Call = (sink: NativeActionSink) => void;

/**
 * The engine's native-action sink across reloads. Replacing the onboarder
 * first lets the old one finish the device work it has in flight (one status
 * file, one lock per device: two onboarders must never run side by side);
 * actions fired meanwhile are held and handed, in order, to the new one.
 */
export class ReloadableSink<T extends ClosableSink> implements NativeActionSink {
  private held: Call[] | undefined;

  constructor(private current: T | undefined) {}

  get onboarder(): T | undefined {
    return this.current;
  }

  onboard(ip: string, mac: string, hostname: string, lease?: LeaseDetails): void {
    this.forward((sink) => {
      sink.onboard(ip, mac, hostname, lease);
    });
  }

  check(host: string): void {
    this.forward((sink) => {
      sink.check(host);
    });
  }

  provision(ip: string, name: string): void {
    this.forward((sink) => {
      sink.provision(ip, name);
    });
  }

  backup(host: string, line?: string): void {
    this.forward((sink) => {
      sink.backup(host, line);
    });
  }

  /** Waits for the current onboarder to go idle, then puts `next()` in its place (undefined: no native actions). */
  async replace(next: () => Promise<T | undefined>): Promise<void> {
    this.held ??= [];
    try {
      await this.current?.close();
      this.current = undefined;
      this.current = await next();
    } finally {
      const held = this.held;
      this.held = undefined;
      for (const call of held) this.forward(call);
    }
  }

  /** onramp is stopping: see Onboarder.stop(). Actions that still come are kept by the onboarder for the next start. */
  async stop(): Promise<void> {
    await this.current?.stop();
  }

  async close(): Promise<void> {
    await this.current?.close();
  }

  private forward(call: Call): void {
    if (this.held !== undefined) this.held.push(call);
    else if (this.current !== undefined) call(this.current);
  }
}
