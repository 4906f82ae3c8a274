#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { normaliseSecArgv } from './agent/sec-argv.js';
import { ExitCode } from './exit-codes.js';
import { VERSION } from './version.js';

// Each command imports its module lazily: `onramp run` must not pay for the
// lab's SSH server or handlebars at start-up, and start-up counts in every
// benchmark that runs the shipped binary.

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const positive = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number of at least 1, got "${value}"`);
  return n;
};
const integer = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a non-negative integer, got "${value}"`);
  return n;
};

function optionalText<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Partial<Record<K, string>>);
}

const program = new Command('onramp')
  .description('DHCP network onboarding: SEC-compatible rules, switch drift checks and zero-touch provisioning')
  .version(VERSION)
  // The program's own options (--version) come before a command: `restore --version V` is the command's.
  .enablePositionalOptions()
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => { write(text); } })
  .exitOverride((err) => {
    // commander's own usage errors are "bad usage" in our exit-code table.
    process.exit(err.exitCode === 0 ? 0 : ExitCode.BadInput);
  });

/** For commands that work on a switch: how long to wait when another onramp (the daemon, an agent) is working on it. */
const WAIT_OPTION = [
  '--wait <seconds>', 'when another onramp is working on the switch, wait this long for it, then exit 3 (0: exit 3 at once)', integer, 60,
] as const;

function commonOptions(command: Command): Command {
  command
    .option('--sites <dir>', 'site folders (site.yaml, baselines)', 'baselines')
    .option('--templates <dir>', 'handlebars templates, one per model', 'templates')
    .option('--state <dir>', 'offsets, device status, host keys, backups', 'state')
    .option('--pretty', 'human-readable logs instead of JSON', false)
    .addOption(new Option('--log-level <level>', 'least severe level logged').choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'))
    .option('--backups-keep <n>', 'versions of a device kept in the backup store', positive, 50)
    .option('--backups <store>', 'where backups are saved and read: file (the state directory) or git:DIR')
    .option('--backups-remote <url>', 'with --backups git:DIR, push each new version there (ssh://, file:// or user@host:path)');
  return storeOptions(command)
    .option('--name <name>', "with --store: this appliance's name, shown beside what it did (default: the host name)");
}

function storeOptions(command: Command): Command {
  return command
    .addOption(new Option('--store <url>', 'state shared by several appliances: postgres://USER@HOST[:PORT]/DATABASE (password from PGPASSWORD or --store-password-file)').env('ONRAMP_STORE'))
    .option('--store-password-file <file>', "with --store: the database user's password, in a 0600 file");
}

const run = program
  .command('run')
  .description('the appliance: read inputs, run SEC rules, act on devices (accepts SEC flags)')
  .option('--conf <glob>', 'rule files (repeatable)', collect, [])
  .option('--input <file>', 'DHCP lease input: file[=context], - for stdin (repeatable)', collect, [])
  .option('--config-input <file>', "switches' config-change syslog: file[=context]; may not onboard or provision (repeatable)", collect, [])
  .option('--sec-input <file>', 'any other log, for SEC rules: file[=context]; may not onboard or provision (repeatable)', collect, [])
  .option('--input-may-appear', 'an --input file that does not exist yet is waited for rather than refused')
  .option('--pid <file>', 'write the process id to this file')
  .option('--detach', 'run in the background as a daemon')
  .option('--nodetach', 'stay in the foreground (default)')
  .option('--syslog <facility>', 'send the log to syslog with this facility')
  .option('--log <file>', 'append the log to this file')
  .option('--tail', 'keep following inputs (default)')
  .option('--notail', 'process inputs to their end and exit')
  .option('--fromstart', 'with --tail, read inputs from their start first')
  .option('--nofromstart', 'with --tail, start at the end of inputs (default)')
  .option('--testonly', 'check the rule files and exit')
  .option('--notestonly', 'run normally (default)')
  .option('--debug <level>', 'SEC debug level 1-6', integer)
  .option('--intevents', 'generate SEC internal events')
  .option('--nointevents', 'no internal events (default)')
  .option('--intcontexts', 'while a line is matched, _FILE_EVENT_<file> (or the context of --input=FILE=CONTEXT) exists')
  .option('--nointcontexts', 'no internal contexts (default)')
  .option('--jointbuf', 'multi-line patterns see the lines of all inputs together')
  .option('--nojointbuf', 'multi-line patterns see the lines of one input at a time (default)')
  .option('--bufsize <n>', 'lines kept for multi-line patterns (default: what the rules need)')
  .option('--dump <file>', 'where SIGUSR1 dumps the state', '/tmp/sec.dump')
  .option('--sec-shell-compat', "substitute event values into shell commands unquoted, as SEC does")
  .option('--listen-syslog <url>', 'also read syslog from udp://HOST:PORT or tcp://HOST:PORT, [?role=config-change|lease|sec][&allow=CIDR,...] (repeatable)', collect, [])
  .option('--kea-leases <file>', "Kea's memfile lease CSV, for the hostnames Kea's log lines leave out")
  .option('--concurrency <n>', 'devices worked on at once', positive, 8)
  .option('--stop-timeout <seconds>', "how long a stop may take, as the unit's TimeoutStopSec (a push that cannot finish within it is rolled back)", positive, 360)
  .option('--dry-run', 'decide and log, but never connect to a device')
  .option('--firmware-http <addr>', "serve the sites' OS image files on ADDR:PORT, the address switches fetch them from")
  .option('--firmware-timeout <time>', 'how long a switch reloading into a new OS has to come back (e.g. 10m), for every site')
  .option('--http <addr>', 'serve the web console and API at [ADDRESS:]PORT (127.0.0.1 when only a port is given)')
  .option('--http-cert <file>', 'with --http: TLS certificate (PEM)')
  .option('--http-key <file>', 'with --http: TLS private key (PEM, mode 0600)')
  .option('--users <file>', 'console users (default STATE/users.json, or with --store the database)')
  .option('--takeover-after <seconds>', 'with --store: the jobs of an appliance not heard from for this long are taken over by another', positive, 30);
// SEC flags onramp accepts so existing start-up lines keep working, but whose
// tuning has no counterpart here (onramp's I/O is event driven).
for (const flag of ['input-timeout', 'timeout-script', 'reopen-timeout', 'check-timeout', 'poll-timeout',
  'socket-timeout', 'blocksize', 'evstoresize', 'cleantime', 'user', 'group', 'umask']) {
  run.addOption(new Option(`--${flag} <value>`).hideHelp());
}
for (const flag of ['ruleperf', 'dumpfts', 'dumpfjson', 'quoting', 'keepopen', 'rwfifo', 'childterm']) {
  run.addOption(new Option(`--${flag}`).hideHelp());
  run.addOption(new Option(`--no${flag}`).hideHelp());
}
commonOptions(run).action(async (options: Record<string, unknown>) => {
  const { runFromCli } = await import('./agent/run-command.js');
  process.exitCode = await runFromCli(options);
});

commonOptions(
  program
    .command('check')
    .description('fetch one device, diff it against its baseline (exit 0 OK, 1 drift, 2 error, 3 unreachable)')
    .argument('<host>', 'hostname from the inventory, or an IP address')
    .option('--remediate', 'push the fix when it drifted')
    .option(...WAIT_OPTION)
    .option('--dry-run', 'with --remediate: print the lines the fix would type, change nothing')
    .option('--confirm <digest>', 'with --remediate: push only the plan a dry run printed with this digest; any other plan is printed, not pushed (exit 1)'),
).action(async (host: string, options: Record<string, unknown>) => {
  const { checkCommand } = await import('./onboard/commands.js');
  process.exitCode = await checkCommand(host, options);
});

commonOptions(
  program
    .command('provision')
    .description("render NAME's template and push it to the device at IP")
    .argument('<ip>', 'address of the device')
    .requiredOption('--as <name>', 'the device name in the inventory or port map')
    .option('--dry-run', 'print the commands, do not connect')
    .option('--factory', 'log in with the site factory credentials')
    .option(...WAIT_OPTION),
).action(async (ip: string, options: Record<string, unknown>) => {
  const { provisionCommand } = await import('./onboard/commands.js');
  process.exitCode = await provisionCommand(ip, options);
});

program
  .command('plan')
  .description('offline: the config-mode lines that turn the running config into the intended one, as a push types them')
  .requiredOption('--running <file>', 'the running config')
  .requiredOption('--intended <file>', 'the intended config')
  .option('--profile <name>', 'device profile whose tree syntax and remediation rules apply', 'generic')
  .option('--rollback', 'print the lines that undo the plan instead')
  .action(async (options: { running: string; intended: string; profile: string; rollback?: boolean }) => {
    const { planCommand } = await import('./provision/plan-command.js');
    process.exitCode = await planCommand(options, (text) => process.stdout.write(text), (text) => process.stderr.write(text));
  });

commonOptions(
  program.command('backup').description('save the running config in the backup store').argument('<host>').option(...WAIT_OPTION),
).action(async (host: string, options: Record<string, unknown>) => {
  const { backupCommand } = await import('./onboard/commands.js');
  process.exitCode = await backupCommand(host, options);
});

commonOptions(
  program
    .command('restore')
    .description('push a saved version back to the device, through the planner, guard rails and rollback (a site with backups.restorable keeps the copies it needs)')
    .argument('<host>', 'hostname from the inventory, or an IP address')
    .requiredOption('--version <id>', 'the version, as onramp history lists it')
    .option('--dry-run', 'print the lines the restore would type, change nothing')
    .option(...WAIT_OPTION),
).action(async (host: string, options: Record<string, unknown>) => {
  const { restoreCommand } = await import('./onboard/commands.js');
  process.exitCode = await restoreCommand(host, options);
});

commonOptions(
  program
    .command('history')
    .description('list the saved versions of a device, or diff two of them')
    .argument('<host>')
    .option('--diff <versions...>', 'two version ids to compare')
    .option('--rollback <version>', 'print the lines that undo the push made from this version (secrets masked)')
    .option('--agent <name>', "the backups of this agent's state"),
).action(async (host: string, options: Record<string, unknown>) => {
  const { historyCommand } = await import('./onboard/commands.js');
  process.exitCode = await historyCommand(host, options);
});

commonOptions(
  program
    .command('status')
    .description('every device seen: last event, action, result, diff summary')
    .option('--json', 'machine-readable output')
    .option('--agent <name>', "the devices of this agent's state"),
).action(async (options: Record<string, unknown>) => {
  const { statusCommand } = await import('./onboard/commands.js');
  process.exitCode = await statusCommand(options);
});

commonOptions(
  program
    .command('console')
    .description('the web console and API, read-only, on a state directory, without running the appliance')
    .option('--http <addr>', '[ADDRESS:]PORT to serve at (127.0.0.1 when only a port is given)', '127.0.0.1:8080')
    .option('--http-cert <file>', 'TLS certificate (PEM)')
    .option('--http-key <file>', 'TLS private key (PEM, mode 0600)')
    .option('--users <file>', 'console users (default STATE/users.json, or with --store the database)')
    .option('--agent <name>', "the state of this agent"),
).action(async (options: Record<string, unknown>) => {
  const { consoleCommand } = await import('./console/console-command.js');
  process.exitCode = await consoleCommand(options);
});

storeOptions(program
  .command('users'))
  .description('console users: add NAME --role operator|viewer (password from stdin, --password-file or --password-env), list, remove NAME')
  .argument('<action>', 'add | list | remove')
  .argument('[name]', 'user name')
  .addOption(new Option('--role <role>', 'what the user may do').choices(['viewer', 'operator']).default('viewer'))
  .option('--password-file <file>', 'read the password from this file (mode 0600), first line')
  .option('--password-env <var>', 'read the password from this environment variable')
  .option('--users <file>', 'the users file (default STATE/users.json, or with --store the database)')
  .option('--state <dir>', 'state directory', 'state')
  .action(async (action: string, name: string | undefined, options: Record<string, unknown>) => {
    const { usersCommand, readPassword } = await import('./console/users-command.js');
    const str = (key: string): string | undefined => (typeof options[key] === 'string' ? options[key] : undefined);
    process.exitCode = await usersCommand(action, name, {
      ...optionalText('role', str('role')), ...optionalText('passwordFile', str('passwordFile')), ...optionalText('passwordEnv', str('passwordEnv')),
      ...optionalText('users', str('users')), ...optionalText('state', str('state')),
      ...optionalText('store', str('store')), ...optionalText('storePasswordFile', str('storePasswordFile')),
    }, {
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
      stdin: readPassword,
    });
  });

const rules = program.command('rules').description('validate and try SEC rule files');
rules
  .command('check')
  .argument('<files...>')
  .description('validate rule files; errors as file:line: message')
  .action(async (files: string[]) => {
    const { rulesCheckCommand } = await import('./agent/rules-command.js');
    process.exitCode = await rulesCheckCommand(files);
  });
rules
  .command('test')
  .argument('<file>')
  .requiredOption('--input <log>', 'log file to replay')
  .description('replay a log: which rule matched each line and what it would do, without acting')
  .action(async (file: string, options: { input: string }) => {
    const { rulesTestCommand } = await import('./agent/rules-command.js');
    process.exitCode = await rulesTestCommand(file, options.input);
  });

program
  .command('sites')
  .description('site files')
  .command('check')
  .argument('[dir]', 'folder of site folders', 'baselines')
  .option('--templates <dir>', 'handlebars templates', 'templates')
  .description('validate site files, baselines and templates (every device renders)')
  .action(async (dir: string, options: { templates: string }) => {
    const { sitesCheckCommand } = await import('./inventory/commands.js');
    process.exitCode = await sitesCheckCommand(dir, options.templates);
  });

const portmap = program.command('portmap').description("a site's port map as CSV, for a spreadsheet");
portmap
  .command('import')
  .description("replace SITE's port map with the rows of FILE; every bad row is reported and nothing is written unless all are valid")
  .argument('<site>', 'site name (or its folder name)')
  .argument('<file>', 'CSV: a header row (uplink device, uplink port, mac, serial, circuit id, remote id, hostname, model, profile, vars), one row per switch')
  .option('--sites <dir>', 'site folders', 'baselines')
  .option('--templates <dir>', 'handlebars templates, one per model', 'templates')
  .option('--dry-run', 'validate only; leave the site file as it is')
  .action(async (site: string, file: string, options: { sites: string; templates: string; dryRun?: boolean }) => {
    const { portmapImportCommand } = await import('./portmap/command.js');
    process.exitCode = await portmapImportCommand(site, file, options);
  });
portmap
  .command('export')
  .description("SITE's port map as CSV, to FILE or stdout")
  .argument('<site>', 'site name (or its folder name)')
  .argument('[file]', 'where to write it (default: stdout)')
  .option('--sites <dir>', 'site folders', 'baselines')
  .action(async (site: string, file: string | undefined, options: { sites: string }) => {
    const { portmapExportCommand } = await import('./portmap/command.js');
    process.exitCode = await portmapExportCommand(site, file, options);
  });

commonOptions(
  program
    .command('hostkeys')
    .description('SSH host keys pinned per device (and per factory MAC until provisioned)')
    .argument('<action>', 'list | accept | forget')
    .argument('[host]', 'device hostname or factory MAC; forget also takes HOST[:PORT] of a pin kept from before pins were per device')
    .option('--fingerprint <SHA256:...>', 'accept: the one key to pin, as shown in hostkey.changed')
    .option('--agent <name>', "the host keys of this agent's state"),
).action(async (action: string, host: string | undefined, options: Record<string, unknown>) => {
  const { hostkeysCommand } = await import('./onboard/hostkeys-command.js');
  process.exitCode = await hostkeysCommand(action, host, options);
});

commonOptions(
  program
    .command('devices')
    .description('confirm what onramp cannot: a known device moved to another address')
    .argument('<action>', 'move')
    .argument('<host>', 'device hostname')
    .requiredOption('--to <ip>', 'the address it leases now'),
).action(async (action: string, host: string, options: Record<string, unknown>) => {
  const { devicesCommand } = await import('./onboard/devices-command.js');
  process.exitCode = await devicesCommand(action, host, options);
});

commonOptions(
  program
    .command('assign')
    .description('say what a parked switch is: the running appliance provisions it as that port map entry or device')
    .argument('<switch>', 'the parked switch: its MAC, or its serial number as `onramp status` shows it')
    .requiredOption('--as <name>', 'a port map entry (or device) of the site it is parked in'),
).action(async (target: string, options: Record<string, unknown>) => {
  const { assignCommand } = await import('./onboard/assign-command.js');
  process.exitCode = await assignCommand(target, options);
});

program
  .command('agent')
  .description('named watchers, one per log file (start | stop | status | list)')
  .argument('<action>', 'start | stop | status | list')
  .option('-n, --name <name>', 'agent name')
  .option('-f, --file <logfile>', 'log file the agent watches')
  .option('-c, --conf <rules>', 'rule file (default: created for the agent)')
  .option('--state <dir>', 'state directory', 'state')
  .option('--sites <dir>', 'site folders the agent works with', 'baselines')
  .option('--templates <dir>', 'handlebars templates', 'templates')
  .action(async (action: string, options: Record<string, unknown>) => {
    const { agentCommand } = await import('./agent/agent-command.js');
    process.exitCode = await agentCommand(action, options);
  });

program
  .command('lab')
  .description('start emulated switches (real SSH servers on loopback) until interrupted')
  .option('--switches <n>', 'how many switches', integer, 3)
  .option('--topology <file>', 'YAML topology instead of the default one')
  .option('--port <port>', 'SSH port on every lab address', integer)
  .option('--state <dir>', 'where the lab keeps its host keys', 'state')
  .action(async (options: Record<string, unknown>) => {
    const { labCommand } = await import('./lab/command.js');
    process.exitCode = await labCommand(options);
  });

program
  .command('demo')
  .description('the whole workflow on the embedded lab: drift OK, drift remediated, factory switch provisioned')
  .option('--pretty-log', 'also print the structured log, pretty-printed')
  .option('--keep', 'when done, keep the lab and the web console running until Enter is pressed')
  .action(async (options: Record<string, unknown>) => {
    const { runDemo } = await import('./demo/demo.js');
    process.exitCode = await runDemo(options);
  });

await program.parseAsync(normaliseSecArgv(process.argv));
