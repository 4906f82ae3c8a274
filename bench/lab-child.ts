/** One lab process of bench/lab-processes.ts: a Lab, driven over IPC. */
import { Lab } from '../src/lab/index.js';
import type { FromLab, ToLab } from './lab-processes.js';

let lab: Lab | undefined;

function reply(message: FromLab): void {
  process.send?.(message);
}

async function handle(message: ToLab): Promise<void> {
  if (message.type === 'start') {
    lab = await Lab.start({
      switches: message.switches, keyDir: message.keyDir,
      ...(message.port === undefined ? {} : { port: message.port }),
      ...(message.slowMs === undefined ? {} : { slowMs: message.slowMs }),
    });
    reply({ type: 'started', port: lab.port });
  } else if (message.type === 'report') {
    const cpu = process.cpuUsage();
    reply({
      type: 'report',
      report: {
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        switches: (lab?.switches ?? []).map((sw) => ({
          hostname: sw.spec.hostname, logins: sw.logins(), mostSessionsAtOnce: sw.mostSessionsAtOnce(), saves: sw.saves(),
          runningConfig: sw.runningConfig(), startupConfig: sw.startupConfig(),
        })),
      },
    });
  } else {
    const stopping = lab;
    lab = undefined;
    await stopping?.stop();
    process.disconnect();
  }
}

process.on('message', (message: ToLab) => {
  handle(message).catch((err: unknown) => {
    reply({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  });
});
// The bench gone (killed, crashed): the lab goes with it.
process.on('disconnect', () => {
  const stopping = lab;
  lab = undefined;
  void (stopping?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
});
