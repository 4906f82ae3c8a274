import { spawn } from 'node:child_process';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadRules } from '../engine/index.js';
import { ExitCode } from '../exit-codes.js';
import { StateStore } from '../state/index.js';
import { AGENT_ENV } from '../lock/index.js';
import { readWorkCounts } from './counters.js';
import { inputFollower } from './input-locks.js';
import { readLivePid } from './daemon.js';
import { alive } from './pid-file.js';
import { AgentRegistry, validAgentName, type AgentEntry } from './registry.js';

const SHIPPED_RULES = new URL('../../rules/dhcp.rules', import.meta.url);
const START_TIMEOUT_MS = 15_000;
// Device work in flight is allowed to finish (SSH timeouts and retries included).
const STOP_TIMEOUT_MS = 360_000;
const POLL_MS = 50;

interface AgentOptions {
  name: string | undefined;
  file: string | undefined;
  conf: string | undefined;
  state: StateStore;
  sites: string;
  templates: string;
}

/** `onramp agent start|stop|status|list`: named watchers, one per log file, as ZipTie's SEC agent. */
export async function agentCommand(action: string, raw: Record<string, unknown>): Promise<number> {
  const text = (key: string): string | undefined => (typeof raw[key] === 'string' ? raw[key] : undefined);
  const options: AgentOptions = {
    name: text('name'),
    file: text('file'),
    conf: text('conf'),
    state: new StateStore(resolve(text('state') ?? 'state')),
    sites: resolve(text('sites') ?? 'baselines'),
    templates: resolve(text('templates') ?? 'templates'),
  };
  if (options.name !== undefined && !validAgentName(options.name)) {
    return usage(`invalid agent name ${JSON.stringify(options.name)}: letters, digits, '.', '_' and '-', at most 64, starting with a letter or digit`);
  }
  switch (action) {
    case 'start':
      return exclusively(options, start);
    case 'stop':
      return exclusively(options, stop);
    case 'status':
      return status(options);
    case 'list':
      return list(options);
    default:
      return usage(`unknown action "${action}": expected start, stop, status or list`);
  }
}

/** Two commands starting or stopping the same agent at once: the second is refused, never interleaved. */
async function exclusively(options: AgentOptions, action: (options: AgentOptions) => Promise<number>): Promise<number> {
  if (options.name === undefined) return action(options);
  const result = await new AgentRegistry(options.state).exclusively(options.name, () => action(options));
  if (typeof result === 'number') return result;
  return usage(`agent ${options.name} is being started or stopped by another command (pid ${String(result.busy)})`);
}

async function start(options: AgentOptions): Promise<number> {
  const { name, file } = options;
  if (name === undefined || file === undefined) return usage('start needs -n NAME and -f LOGFILE');
  const registry = new AgentRegistry(options.state);
  const running = await livePid(registry, name);
  if (running !== undefined) return usage(`agent ${name} is already running (pid ${running})`);

  const follower = await inputFollower(file);
  if (follower !== undefined) return usage(`${resolve(file)} is already followed by ${follower}`);

  const previous = await registry.get(name);
  const rules = options.conf !== undefined ? resolve(options.conf) : (previous?.rules ?? (await defaultRules(registry, name)));
  try {
    const loaded = await loadRules([rules]);
    for (const { file: ruleFile, count } of loaded.summary()) process.stdout.write(`${count} rules loaded from ${ruleFile}\n`);
  } catch (err) {
    const errors = err instanceof AggregateError ? err.errors : [err];
    for (const e of errors) process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    return ExitCode.BadInput;
  }

  const entry: AgentEntry = {
    name,
    input: resolve(file),
    rules,
    sites: options.sites,
    templates: options.templates,
    createdAt: previous?.createdAt ?? new Date().toISOString(),
    startedAt: new Date().toISOString(),
  };
  await registry.put(entry);
  const pidFile = registry.pidFile(name);
  const logFile = registry.logFile(name);
  const result = await spawnAgent(entry, registry);
  if (typeof result === 'number') {
    process.stderr.write(`onramp agent: ${name} exited with code ${result} during start-up; see ${logFile}\n`);
    process.stderr.write(await logTail(logFile, 10));
    return result === ExitCode.BadInput ? ExitCode.BadInput : ExitCode.Runtime;
  }
  if (result === 'timeout') {
    process.stderr.write(`onramp agent: ${name} did not write ${pidFile} within ${START_TIMEOUT_MS / 1000}s; see ${logFile}\n`);
    return ExitCode.Runtime;
  }
  process.stdout.write(`Started agent ${name} (pid ${result.pid}) watching ${entry.input}; log ${logFile}\n`);
  return ExitCode.Ok;
}

/** A fresh copy of this program as `onramp run`, in its own session, its output appended to the agent's log. */
async function spawnAgent(entry: AgentEntry, registry: AgentRegistry): Promise<{ pid: number } | number | 'timeout'> {
  const script = process.argv[1];
  if (script === undefined) throw new Error('cannot find the onramp program to start');
  const pidFile = registry.pidFile(entry.name);
  const logFile = registry.logFile(entry.name);
  await rm(pidFile, { force: true });
  const log = await open(logFile, 'a', 0o600);
  try {
    const child = spawn(
      process.execPath,
      [
        ...process.execArgv, script, 'run',
        `--conf=${entry.rules}`, `--input=${entry.input}`, `--pid=${pidFile}`, `--log=${logFile}`,
        `--state=${registry.stateDir(entry.name)}`, `--sites=${entry.sites}`, `--templates=${entry.templates}`,
      ],
      // The agent's name goes with the locks it takes, so that whoever finds them taken learns it.
      { detached: true, stdio: ['ignore', log.fd, log.fd], env: { ...process.env, [AGENT_ENV]: entry.name } },
    );
    let exitCode: number | undefined;
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal === null ? ExitCode.Runtime : 128);
    });
    const deadline = Date.now() + START_TIMEOUT_MS;
    // The pid file is written once rules, sites and inputs are open: then the agent is really watching.
    for (;;) {
      if (exitCode !== undefined) return exitCode;
      const pid = await readLivePid(pidFile);
      if (pid !== undefined) {
        child.unref();
        return { pid };
      }
      if (Date.now() > deadline) {
        child.unref();
        return 'timeout';
      }
      await delay(POLL_MS);
    }
  } finally {
    await log.close();
  }
}

async function stop(options: AgentOptions): Promise<number> {
  const { name } = options;
  if (name === undefined) return usage('stop needs -n NAME');
  const registry = new AgentRegistry(options.state);
  if ((await registry.get(name)) === undefined) return usage(`no agent named ${name} in ${options.state.root}`);
  const pid = await livePid(registry, name);
  if (pid === undefined) {
    process.stdout.write(`Agent ${name} is not running\n`);
    return ExitCode.Ok;
  }
  process.stdout.write(`Stopping agent ${name} (pid ${pid})\n`);
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (alive(pid)) {
    if (Date.now() > deadline) {
      process.stderr.write(`onramp agent: ${name} (pid ${pid}) did not stop within ${STOP_TIMEOUT_MS / 1000}s\n`);
      return ExitCode.Runtime;
    }
    await delay(POLL_MS);
  }
  // The agent removes its own pid file; this covers an agent that died without doing so.
  await rm(registry.pidFile(name), { force: true });
  process.stdout.write('Done\n');
  return ExitCode.Ok;
}

async function status(options: AgentOptions): Promise<number> {
  const registry = new AgentRegistry(options.state);
  const agents = options.name === undefined ? await registry.all() : [await registry.get(options.name)];
  if (agents[0] === undefined && options.name !== undefined) return usage(`no agent named ${options.name} in ${options.state.root}`);
  for (const [index, agent] of agents.entries()) {
    if (agent === undefined) continue;
    if (index > 0) process.stdout.write('\n');
    process.stdout.write(await describe(agent, registry));
  }
  return ExitCode.Ok;
}

async function describe(agent: AgentEntry, registry: AgentRegistry): Promise<string> {
  const pid = await livePid(registry, agent.name);
  const { PositionStore } = await import('../input/index.js');
  const { readStatus } = await import('../onboard/index.js');
  const agentState = new StateStore(registry.stateDir(agent.name));
  const position = await new PositionStore(agentState).get(agent.input);
  const size = await stat(agent.input).then((s) => s.size, () => undefined);
  const counts = await readWorkCounts(agentState);
  const devices = await readStatus(agentState).then((all) => all.length, () => 0);
  const offset = position?.offset;
  const lag = size === undefined ? 'input missing' : offset === undefined ? '-' : String(Math.max(0, size - offset));
  const rows: [string, string][] = [
    ['agent', agent.name],
    ['pid', pid === undefined ? '-' : String(pid)],
    ['alive', pid === undefined ? 'no' : 'yes'],
    ['input', agent.input],
    ['rules', agent.rules],
    ['offset', offset === undefined ? '-' : String(offset)],
    ['lag', lag],
    ['last event', counts.last === undefined ? '-' : `${counts.last.time} ${counts.last.event} ${counts.last.msg}`.trimEnd()],
    ['checks', String(counts.checks)],
    ['drifts', String(counts.drifts)],
    ['provisions', String(counts.provisions)],
    ['errors', String(counts.errors)],
    ['dropped', `${String(counts.dropped)} syslog message(s) from senders not allowed`],
    ['refused', `${String(counts.refused)} native action(s) from inputs not allowed to`],
    ['devices', String(devices)],
    ['log', registry.logFile(agent.name)],
  ];
  return rows.map(([key, value]) => `${`${key}:`.padEnd(12)}${value}\n`).join('');
}

async function list(options: AgentOptions): Promise<number> {
  const registry = new AgentRegistry(options.state);
  for (const agent of await registry.all()) {
    const pid = await livePid(registry, agent.name);
    const state = pid === undefined ? 'stopped' : `running pid ${pid}`;
    process.stdout.write(`${agent.name}\t${state}\t${agent.input}\t${agent.rules}\n`);
  }
  return ExitCode.Ok;
}

/** The agent's pid when it runs; a pid file left by a process that is gone is reported and removed. */
async function livePid(registry: AgentRegistry, name: string): Promise<number | undefined> {
  const pidFile = registry.pidFile(name);
  const pid = await readLivePid(pidFile);
  if (pid !== undefined && (await runsWithPidFile(pid, pidFile))) return pid;
  const leftover = await readFile(pidFile, 'utf8').catch(() => undefined);
  if (leftover !== undefined) {
    await rm(pidFile, { force: true });
    const why = pid === undefined ? `process ${leftover.trim() || '?'} is gone` : `pid ${pid} is now another program`;
    process.stderr.write(`Removed stale pid file ${pidFile} of agent ${name} (${why})\n`);
  }
  return undefined;
}

/**
 * Pid files live in the state directory, which outlasts a reboot: the number
 * may by now belong to an unrelated process, which must never be signalled.
 * Where /proc exists, the process counts as the agent only if it was started
 * with this pid file.
 */
async function runsWithPidFile(pid: number, pidFile: string): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  if (cmdline === undefined) return (await stat('/proc/self').then(() => false, () => true));
  return cmdline.split('\0').includes(`--pid=${pidFile}`);
}

/** The agent's own copy of the shipped rules, made on its first start. */
async function defaultRules(registry: AgentRegistry, name: string): Promise<string> {
  const { path, created } = await registry.ensureDefaultRules(name, () => readFile(SHIPPED_RULES, 'utf8'));
  if (created) process.stdout.write(`Created default rules file ${path}\n`);
  return path;
}

async function logTail(path: string, count: number): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const lines = text.split('\n').filter((line) => line !== '');
  return lines.slice(-count).map((line) => `  ${line}\n`).join('');
}

function usage(message: string): number {
  process.stderr.write(`onramp agent: ${message}\n`);
  return ExitCode.BadInput;
}

function delay(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
