import { isSafeName, type StateStore } from '../state/index.js';
import { acquireLock, LockBusyError, withLock } from './lock.js';

const FOLDER = 'agents';
const REGISTRY = [FOLDER, 'registry.json'];
// Distinct suffixes, so no agent name can make one lock file the other's.
const REGISTRY_LOCK = 'registry.lock';
const AGENT_LOCK_SUFFIX = '.agent.lock';
// A registry update takes milliseconds; this only bounds a wait behind a stuck process.
const REGISTRY_LOCK_WAIT_MS = 10_000;
// Short enough that every derived file name (NAME-state, NAME.rules …) is still a safe name.
const MAX_NAME = 64;

/** One named watcher, as `onramp agent start` set it up. Paths are absolute. */
export interface AgentEntry {
  name: string;
  input: string;
  rules: string;
  sites: string;
  templates: string;
  createdAt: string;
  startedAt?: string;
}

interface RegistryFile {
  agents: Record<string, AgentEntry>;
}

export function validAgentName(name: string): boolean {
  return name.length <= MAX_NAME && isSafeName(name);
}

/**
 * The agents of one state directory: `<state>/agents/registry.json` plus, per
 * agent, its pid file, log, default rules file and a state directory of its
 * own (positions, device status), so watchers never share offsets.
 */
export class AgentRegistry {
  constructor(private readonly state: StateStore) {}

  async all(): Promise<AgentEntry[]> {
    const file = await this.read();
    return Object.values(file.agents).sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(name: string): Promise<AgentEntry | undefined> {
    return (await this.read()).agents[name];
  }

  /** Read, change and write under the registry lock, so agents started at the same time all end up in it. */
  async put(entry: AgentEntry): Promise<void> {
    await this.state.ensureDir(FOLDER);
    await withLock(this.state.path(FOLDER, REGISTRY_LOCK), REGISTRY_LOCK_WAIT_MS, async () => {
      const file = await this.read();
      file.agents[entry.name] = entry;
      await this.state.writeJson(REGISTRY, file);
    });
  }

  /**
   * Runs `work` as the only start or stop of agent `name`; when another
   * command is starting or stopping it, returns that command's pid at once.
   */
  async exclusively<T>(name: string, work: () => Promise<T>): Promise<T | { busy: number }> {
    await this.state.ensureDir(FOLDER);
    let release: () => Promise<void>;
    try {
      release = await acquireLock(this.state.path(FOLDER, `${name}${AGENT_LOCK_SUFFIX}`), 0);
    } catch (err) {
      if (err instanceof LockBusyError) return { busy: err.pid };
      throw err;
    }
    try {
      return await work();
    } finally {
      await release();
    }
  }

  pidFile(name: string): string {
    return this.state.path(FOLDER, `${name}.pid`);
  }

  logFile(name: string): string {
    return this.state.path(FOLDER, `${name}.log`);
  }

  stateDir(name: string): string {
    return this.state.path(FOLDER, `${name}-state`);
  }

  /** `<state>/agents/NAME.rules`, written from `contents` unless it exists already. */
  async ensureDefaultRules(name: string, contents: () => Promise<string>): Promise<{ path: string; created: boolean }> {
    const segments = [FOLDER, `${name}.rules`];
    const path = this.state.path(...segments);
    if ((await this.state.readText(segments)) !== undefined) return { path, created: false };
    await this.state.writeText(segments, await contents(), 0o644);
    return { path, created: true };
  }

  private async read(): Promise<RegistryFile> {
    const file = await this.state.readJson<RegistryFile>(REGISTRY, { agents: {} });
    if (typeof file !== 'object' || typeof file.agents !== 'object') {
      throw new Error(`${this.state.path(...REGISTRY)}: expected an object with "agents"`);
    }
    return file;
  }
}
