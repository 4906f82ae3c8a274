import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pace } from 'node:timers/promises';
import { random } from './support/random.js';

// The rotation torture test of issue 7, through the compiled CLI (built by `npm test` first), so that
// a `kill -9` is a real one: a dhcpd log written at a steady rate, rotated ten times both ways, read by
// `onramp run` restarted three times. Every line ends with its sequence number, so what the rules
// wrote out tells exactly which lines were handled, by which run, and in what order.

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');

const TOTAL = 100_000;
/**
 * Fast enough to keep the reader busy, slow enough to finish well within a minute on two cores.
 * ONRAMP_TORTURE_RATE runs it with a heavier writer by hand (20000 puts rotations 0.45 s apart);
 * ONRAMP_TORTURE_KEEP keeps the directory (log, state, what each run handled and logged) to look at.
 */
const LINES_PER_SECOND = Number(process.env.ONRAMP_TORTURE_RATE ?? 3_000);
const SWITCHES = 300;
/** Rotation k (1..10) happens before line k × ROTATE_EVERY: odd k rename+create, even k copytruncate. */
const ROTATE_EVERY = 9_000;
const ROTATIONS = 10;
/** logrotate's `rotate 4`: older generations are deleted. */
const GENERATIONS_KEPT = 4;
/** Each restart spans a rotation, so lines of a file rotated while onramp was down must be drained. */
const RESTARTS: readonly { stopAt: number; signal: 'SIGTERM' | 'SIGKILL'; startAt: number }[] = [
  { stopAt: 16_500, signal: 'SIGTERM', startAt: 19_500 }, // copytruncate at 18,000 while stopped
  { stopAt: 43_000, signal: 'SIGKILL', startAt: 46_500 }, // rename+create at 45,000 while killed
  { stopAt: 70_500, signal: 'SIGTERM', startAt: 73_500 }, // copytruncate at 72,000 while stopped
];

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await pace(20);
  }
  return true;
}

async function mustUntil(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  if (!(await until(condition, timeoutMs))) throw new Error(`timed out after ${String(timeoutMs)} ms waiting for ${what}`);
}


interface Switch { host: string; mac: string; ip: string; relay: string }

function switches(count: number): Switch[] {
  const sites = ['ams', 'fra', 'lon', 'par', 'mad', 'waw'];
  const models = ['FS-S5850-48S6Q', 'FS-S3900-48T4S', 'FS-S3900-24T4S', 'C9300-48P'];
  return Array.from({ length: count }, (_, n) => {
    const site = sites[n % sites.length] ?? 'ams';
    const s = 10 + (n % sites.length);
    const unit = Math.floor(n / sites.length) + 1;
    const hex = (v: number): string => v.toString(16).padStart(2, '0');
    return {
      host: `${models[n % models.length] ?? 'switch'}-${site}-${String(unit).padStart(3, '0')}`,
      mac: `64:9d:99:${hex(s)}:${hex(unit >> 8)}:${hex(unit & 0xff)}`,
      ip: `10.${String(s)}.${String(Math.floor(unit / 200))}.${String(10 + (unit % 200))}`,
      relay: `10.${String(s)}.0.1`,
    };
  });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function syslogTime(d: Date): string {
  const two = (v: number): string => String(v).padStart(2, '0');
  return `${MONTHS[d.getMonth()] ?? 'Jan'} ${String(d.getDate()).padStart(2, ' ')} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/**
 * ISC dhcpd as syslog writes it: full exchanges for new leases, REQUEST/ACK
 * renewals, and the lines around them that are not leases (an INFORM's ACK
 * included, which grants nothing). Remembers which lines are lease ACKs.
 */
class DhcpdLog {
  readonly ackHost = new Map<number, string>();
  private readonly next = random(7);
  private readonly fleet = switches(SWITCHES);
  private queue: { text: string; ackHost?: string }[] = [];
  private seq = 0;

  get written(): number {
    return this.seq;
  }

  lines(count: number): string {
    const now = `${syslogTime(new Date())} dhcp01 dhcpd[2211]: `;
    let text = '';
    for (let i = 0; i < count; i++) {
      if (this.queue.length === 0) this.refill();
      const line = this.queue.shift();
      if (line === undefined) throw new Error('the generator produced nothing');
      if (line.ackHost !== undefined) this.ackHost.set(this.seq, line.ackHost);
      text += `${now}${line.text} seq=${String(this.seq)}\n`;
      this.seq += 1;
    }
    return text;
  }

  private refill(): void {
    const sw = this.fleet[Math.floor(this.next() * this.fleet.length)] ?? this.fleet[0];
    if (sw === undefined) throw new Error('no switches');
    const roll = this.next();
    const { host, mac, ip, relay } = sw;
    if (roll < 0.3) {
      this.queue.push(
        { text: `DHCPDISCOVER from ${mac} via ${relay}` },
        { text: `DHCPOFFER on ${ip} to ${mac} (${host}) via ${relay}` },
        { text: `DHCPREQUEST for ${ip} (10.0.0.2) from ${mac} (${host}) via ${relay}` },
        { text: `DHCPACK on ${ip} to ${mac} (${host}) via ${relay}`, ackHost: host },
      );
    } else if (roll < 0.9) {
      this.queue.push(
        { text: `DHCPREQUEST for ${ip} from ${mac} (${host}) via ${relay}` },
        { text: `DHCPACK on ${ip} to ${mac} (${host}) via ${relay}`, ackHost: host },
      );
    } else if (roll < 0.95) {
      this.queue.push({ text: `DHCPINFORM from ${ip} via ${relay}` }, { text: `DHCPACK to ${ip} (${mac}) via ${relay}` });
    } else if (roll < 0.98) {
      this.queue.push({ text: `DHCPRELEASE of ${ip} from ${mac} (${host}) via ${relay} (found)` });
    } else {
      this.queue.push({ text: `Wrote ${String(SWITCHES)} leases to leases file.` });
    }
  }
}

/** As logrotate does it: generations move up one, the oldest beyond `rotate N` is deleted. */
function rotate(path: string, how: 'rename' | 'copytruncate'): void {
  const generation = (n: number): string => `${path}.${String(n)}`;
  if (existsSync(generation(GENERATIONS_KEPT))) unlinkSync(generation(GENERATIONS_KEPT));
  for (let n = GENERATIONS_KEPT - 1; n >= 1; n--) if (existsSync(generation(n))) renameSync(generation(n), generation(n + 1));
  if (how === 'rename') {
    renameSync(path, generation(1));
    writeFileSync(path, '');
  } else {
    // The writer is this process and synchronous, so nothing is appended between copy and truncate
    // (real copytruncate loses what lands in that gap; that loss is logrotate's, not onramp's).
    copyFileSync(path, generation(1));
    truncateSync(path, 0);
  }
}

interface Run {
  index: number;
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  out: string;
  acks: string;
  endedBy?: 'SIGTERM' | 'SIGKILL';
}

/** The lines a run's rule wrote; none (no file) when the run was stopped before it handled one. */
function readLines(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'latin1').split('\n').filter((l) => l !== '');
}

/** Run `to` handled lines after run `from`, the last run before it that handled any; `overlap` of them again. */
interface Handover { from: number; to: number; overlap: number; killed: boolean }

function readSeqs(path: string): number[] {
  return readLines(path).map(Number);
}

void test('100,000 dhcpd lines, 10 rotations both ways, 3 restarts (one kill -9): nothing lost, repeats only after the kill -9', { timeout: 180_000 }, async (t) => {
  const began = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'onramp-torture-'));
  const runs: Run[] = [];
  t.after(() => {
    for (const run of runs) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    if (process.env.ONRAMP_TORTURE_KEEP !== undefined) {
      for (const run of runs) writeFileSync(join(dir, `stderr-${String(run.index)}.txt`), run.stderr());
      process.stderr.write(`KEPT ${dir}\n`);
      return;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  mkdirSync(join(dir, 'log'));
  mkdirSync(join(dir, 'out'));
  const path = join(dir, 'log', 'dhcpd.log');
  const state = join(dir, 'state');
  writeFileSync(path, '');

  // One output file per run, so every handled line is attributed to the process that handled it.
  const startRun = (): Run => {
    const index = runs.length;
    const out = join(dir, 'out', `lines-${String(index)}.txt`);
    const acks = join(dir, 'out', `acks-${String(index)}.txt`);
    const rules = join(dir, `run-${String(index)}.rules`);
    writeFileSync(rules, [
      'type=Single', 'ptype=RegExp', 'pattern= seq=(\\d+)$', 'desc=line $1', `action=write ${out} $1`, 'continue=TakeNext', '',
      'type=Single', 'ptype=DHCP', 'pattern=.', 'desc=lease $+{host}', `action=write ${acks} $0`, '',
    ].join('\n'));
    const child = spawn(process.execPath, [CLI, 'run', `--conf=${rules}`, `--input=${path}`, `--state=${state}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.on('exit', (code, signal) => { resolve({ code, signal }); });
    });
    const run: Run = { index, child, stderr: () => stderr, exited, out, acks };
    runs.push(run);
    return run;
  };
  const stopRun = async (run: Run, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> => {
    // A process takes signals only once it has set up its handlers: onramp has by its first log line.
    // Before that (Node starting, slow on a loaded machine) a SIGTERM is no clean stop, nothing's is.
    if (signal === 'SIGTERM') await mustUntil(`run ${String(run.index)} to start`, () => run.stderr().includes('rules loaded from'));
    // Killed before it read what was rotated while it was down, a run leaves the position where the run
    // before it did, and the next start comes more rotations later than logrotate keeps (rotate 4, 0.45 s
    // apart at 20,000 lines/s): the unread lines are deleted, a loss that is logrotate's, not onramp's.
    else await mustUntil(`run ${String(run.index)} to open the log`, () => run.stderr().includes('"event":"input.opened"'));
    run.endedBy = signal;
    run.child.kill(signal);
    const { code, signal: got } = await run.exited;
    if (signal === 'SIGTERM') assert.equal(code, 0, `run ${String(run.index)} exits 0 on SIGTERM:\n${run.stderr()}`);
    else assert.equal(got, 'SIGKILL');
  };

  // Without a saved position onramp starts at the end of the file: the writer waits for it to open the log.
  const first = startRun();
  await mustUntil('the first run to open the log', () => first.stderr().includes('"event":"input.opened"'));

  const log = new DhcpdLog();
  let rotations = 0;
  const writing = (async () => {
    const t0 = Date.now();
    while (log.written < TOTAL) {
      const due = Math.min(TOTAL, Math.floor(((Date.now() - t0) * LINES_PER_SECOND) / 1000));
      while (log.written < due) {
        const nextRotation = (rotations + 1) * ROTATE_EVERY;
        const upTo = rotations < ROTATIONS ? Math.min(due, nextRotation) : due;
        if (upTo > log.written) appendFileSync(path, log.lines(upTo - log.written));
        if (rotations < ROTATIONS && log.written === nextRotation) {
          rotations += 1;
          rotate(path, rotations % 2 === 1 ? 'rename' : 'copytruncate');
        }
      }
      // The steady rate: the writer wakes every few ms and catches up with the clock.
      await pace(5);
    }
  })();

  let current = first;
  for (const restart of RESTARTS) {
    await mustUntil(`line ${String(restart.stopAt)} to be written`, () => log.written >= restart.stopAt, 60_000);
    await stopRun(current, restart.signal);
    await mustUntil(`line ${String(restart.startAt)} to be written`, () => log.written >= restart.startAt, 60_000);
    current = startRun();
  }
  await writing;
  const writtenAt = Date.now();

  // Loss shows up as a line that never comes: wait a while for the last one, then count what came.
  const last = current;
  await until(() => readSeqs(last.out).at(-1) === TOTAL - 1, 15_000);
  const caughtUpMs = Date.now() - writtenAt;
  await stopRun(current, 'SIGTERM');

  const perRun = runs.map((run) => readSeqs(run.out));
  const counts = new Uint8Array(TOTAL);
  for (const seqs of perRun) for (const seq of seqs) counts[seq] = (counts[seq] ?? 0) + 1;
  const lost: number[] = [];
  const repeated: number[] = [];
  counts.forEach((n, seq) => {
    if (n === 0) lost.push(seq);
    if (n > 1) repeated.push(seq);
  });
  // Each run takes over from the last one before it that handled a line (a run stopped before it read any,
  // when the stop before took long, hands nothing on). The lines it handled again: a suffix of that run's, a
  // prefix of its own; only that run being killed excuses them.
  const handovers: Handover[] = [];
  for (let from = perRun.findIndex((seqs) => seqs.length > 0), to = from + 1; from >= 0 && to < perRun.length; to++) {
    const seqs = perRun[to] ?? [];
    if (seqs.length === 0) continue;
    const last = perRun[from]?.at(-1) ?? -1;
    const n = seqs.findIndex((seq) => seq > last);
    handovers.push({ from, to, overlap: n < 0 ? seqs.length : n, killed: runs[from]?.endedBy === 'SIGKILL' });
    from = to;
  }
  const afterKill = handovers.filter((h) => h.killed).reduce((sum, h) => sum + h.overlap, 0);
  const rotationsSeen = runs.reduce((sum, run) => sum + run.stderr().split('"event":"input.rotated"').length - 1, 0);
  const ackSeqs = [...log.ackHost.keys()];
  const acksPerRun = runs.map((run) => readLines(run.acks));
  const ackCounts = new Map<number, number>();
  const ackHostsSeen = new Set<string>();
  for (const line of acksPerRun.flat()) {
    const seq = Number(/ seq=(\d+)$/.exec(line)?.[1]);
    ackCounts.set(seq, (ackCounts.get(seq) ?? 0) + 1);
    const host = /\(([^)]+)\) via /.exec(line)?.[1];
    if (host !== undefined) ackHostsSeen.add(host);
  }
  const acksMissing = ackSeqs.filter((seq) => !ackCounts.has(seq));
  const acksRepeated = [...ackCounts].filter(([, n]) => n > 1).map(([seq]) => seq);

  t.diagnostic(`lines written ${String(TOTAL)} at ${String(LINES_PER_SECOND)}/s; handled ${String(counts.filter((n) => n > 0).length)}; lost ${String(lost.length)}`);
  t.diagnostic(`rotations ${String(rotations)} (rename+create ${String(Math.ceil(rotations / 2))}, copytruncate ${String(Math.floor(rotations / 2))}); onramp logged ${String(rotationsSeen)} input.rotated`);
  t.diagnostic(`restarts ${String(RESTARTS.length)} (${RESTARTS.map((r) => r.signal).join(', ')}); lines handled per run ${perRun.map((s) => String(s.length)).join(' / ')}`);
  t.diagnostic(`lines handled twice ${String(repeated.length)}, all right after the kill -9: ${String(afterKill)} (lines read but whose position was not yet saved)`);
  t.diagnostic(`lease DHCPACKs ${String(ackSeqs.length)} for ${String(new Set(log.ackHost.values()).size)} switches; missing ${String(acksMissing.length)}; handled twice ${String(acksRepeated.length)}`);
  t.diagnostic(`wall time ${String(Date.now() - began)} ms; last line handled ${String(caughtUpMs)} ms after it was written`);

  assert.deepEqual(lost.slice(0, 20), [], `${String(lost.length)} lines lost (first 20 shown)`);
  for (const [i, seqs] of perRun.entries()) {
    const disorder = seqs.findIndex((seq, n) => n > 0 && seq <= (seqs[n - 1] ?? -1));
    assert.equal(disorder, -1, `run ${String(i)} handled its lines in file order, once each (broken at its line ${String(disorder)})`);
  }
  for (const { from, to, overlap, killed } of handovers) {
    const before = perRun[from] ?? [];
    const after = perRun[to] ?? [];
    if (!killed) {
      assert.equal(overlap, 0, `run ${String(to)} repeats none of run ${String(from)}'s lines (stopped by ${runs[from]?.endedBy ?? '?'})`);
      assert.equal(after[0], (before.at(-1) ?? -1) + 1, `run ${String(to)} resumes right after run ${String(from)}'s last line`);
    } else {
      assert.deepEqual(after.slice(0, overlap), before.slice(before.length - overlap), 'after the kill -9 the lines read again are exactly the last ones read before it');
    }
  }
  assert.equal(repeated.length, afterKill, 'no line is handled twice except those right after the kill -9');
  assert.deepEqual(acksMissing.slice(0, 20), [], `${String(acksMissing.length)} DHCPACKs not handled (first 20 shown)`);
  assert.equal(ackCounts.size, ackSeqs.length, 'only lease-granting ACKs reach the DHCP rule (not an INFORM\'s ACK)');
  assert.ok(acksRepeated.every((seq) => (counts[seq] ?? 0) > 1), 'a DHCPACK handled twice is one of the lines repeated after the kill -9');
  assert.equal(ackHostsSeen.size, SWITCHES, 'every switch\'s hostname came through');
  assert.equal(rotations, ROTATIONS);
});
