import { getProfile, readFacts, type DeviceFacts, type Profile } from '../device/index.js';
import type { SessionLike } from './session.js';

/** Every family's facts patterns: a switch of unknown model is read with all of them. */
const ANY_FAMILY = getProfile('generic');

/**
 * The one session a job keeps with a switch that is not yet what it will
 * be: opened with the profile asked for, opened again when another profile
 * is needed, and closed at the end of the job. The switch's facts are read
 * once, through whichever session is open.
 */
export class SwitchSessions {
  private open: { session: SessionLike; profile: Profile } | undefined;
  private facts: Promise<DeviceFacts> | undefined;

  /** `connect` logs in at an address with the profile given; `dryRun`: nothing connects, and the facts are empty. */
  constructor(
    private readonly connect: (profile: Profile, ip: string) => Promise<SessionLike>,
    private ip: string,
    private readonly dryRun: boolean,
  ) {}

  /** The open session with `profile`, or a new one; `at`: a new one at that address, where the switch came back after a reload. */
  async session(profile: Profile, at?: { ip: string }): Promise<SessionLike> {
    if (this.dryRun) throw new Error('dry run: not connecting');
    if (at === undefined && this.open?.profile.name === profile.name) return this.open.session;
    await this.close();
    if (at !== undefined) this.ip = at.ip;
    const session = await this.connect(profile, this.ip);
    this.open = { session, profile };
    return session;
  }

  /** Serial, model and version, read once (with `profile`'s session when none is open); `{}` in a dry run. */
  readFacts(profile: Profile): Promise<DeviceFacts> {
    if (this.dryRun) return Promise.resolve({});
    this.facts ??= (async () => readFacts(this.open?.session ?? await this.session(profile), ANY_FAMILY))();
    return this.facts;
  }

  async close(): Promise<void> {
    const current = this.open;
    this.open = undefined;
    if (current !== undefined) await current.session.close();
  }
}
