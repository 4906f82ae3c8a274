import { download, fileDigest, readLabImage, type LabFlash } from './firmware.js';
import type { PersonalityDef } from './personality.js';

/** What the upgrade commands need of the switch. */
export interface UpgradeSwitch {
  readonly personality: PersonalityDef;
  readonly flash: LabFlash;
  hasUnsavedChanges(): boolean;
  save(): void;
  configChanged(): void;
  reload(): void;
}

/** What they need of the CLI session they run in. */
export interface UpgradeTerminal {
  /** Prints a question and reads the answer; null when the input ended. */
  ask(question: string): Promise<string | null>;
  print(lines: string[]): Promise<void>;
  /** The syntax error the family prints, under the word at `column`. */
  invalid(column: number): Promise<void>;
  /** Ends the session: the switch is going down. */
  end(): never;
}

const DOWNLOAD_TIMEOUT_MS = 60_000;

/** `copy`, `verify`, `boot system` and `reload` as a switch of the family does them. */
export class UpgradeCommands {
  constructor(private readonly sw: UpgradeSwitch, private readonly term: UpgradeTerminal) {}

  private get behaviour(): PersonalityDef['upgrade'] {
    return this.sw.personality.upgrade;
  }

  /** `copy URL DEST`. */
  async copy(url: string, dest: string, destColumn: number): Promise<void> {
    let file = this.behaviour.flashFile(dest);
    if (file === undefined || !/^https?:\/\//i.test(url)) {
      await this.term.invalid(file === undefined ? destColumn : 5);
      return;
    }
    const question = this.behaviour.copyQuestion?.(file);
    if (question !== undefined) {
      const answer = await this.term.ask(question);
      if (answer === null) return;
      if (answer.trim() !== '') file = answer.trim();
    }
    await this.fetchInto(url, file);
  }

  /** FSOS 1.x `copy http file`: the questions of its `copy tftp file`, over HTTP. */
  async copyDialogue(): Promise<void> {
    const host = await this.term.ask('HTTP server IP address: ');
    const port = host === null ? null : await this.term.ask('HTTP server port [80]: ');
    const type = port === null ? null : await this.term.ask('Choose file type [1: config, 2: opcode]: ');
    const source = type === null ? null : await this.term.ask('Source file name: ');
    const dest = source === null ? null : await this.term.ask('Destination file name: ');
    if (host === null || port === null || type === null || source === null || dest === null) return;
    const file = this.behaviour.flashFile(dest.trim());
    const portNumber = port.trim() === '' ? 80 : Number(port.trim());
    if (type.trim() !== '2' || file === undefined || !/^[\w.-]+$/.test(host.trim()) || !Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) {
      await this.term.print(['Error: invalid parameters.']);
      return;
    }
    await this.fetchInto(`http://${host.trim()}:${String(portNumber)}/${source.trim().replace(/^\/+/, '')}`, file);
  }

  private async fetchInto(url: string, file: string): Promise<void> {
    const fetched = await download(url, DOWNLOAD_TIMEOUT_MS);
    if ('error' in fetched) {
      await this.term.print(this.behaviour.copyFailed(url, fetched.error));
      return;
    }
    if (this.behaviour.checksOnCopy) {
      const info = readLabImage(fetched.bytes);
      const problem = 'invalid' in info ? info.invalid : info.personality === this.sw.personality.name ? undefined : `an image for ${info.personality}`;
      if (problem !== undefined) {
        await this.term.print(this.behaviour.copyFailed(url, problem));
        return;
      }
    }
    this.sw.flash.store(file, fetched.bytes);
    await this.term.print(this.behaviour.copyDone(url, fetched.bytes.length));
  }

  /** IOS `verify /md5 flash:FILE [HASH]`. */
  async verify(where: string, expected: string | undefined): Promise<void> {
    const file = this.behaviour.flashFile(where);
    const bytes = file === undefined ? undefined : this.sw.flash.get(file);
    if (bytes === undefined) {
      await this.term.print([`%Error verifying ${where} (No such file or directory)`]);
      return;
    }
    const md5 = fileDigest(bytes, 'md5');
    if (expected === undefined) {
      await this.term.print(['.'.repeat(16) + 'Done!', `verify /md5 (${where}) = ${md5}`]);
    } else if (expected.toLowerCase() === md5) {
      await this.term.print(['.'.repeat(16) + 'Done!', `Verified (${where}) = ${md5}`]);
    } else {
      await this.term.print(['.'.repeat(16) + 'Done!', `%Error verifying ${where}`, `Computed signature = ${md5}`, `Submitted signature = ${expected}`]);
    }
  }

  /** A config-mode line that selects or clears the boot image; false when the line is not one. */
  async bootConfigLine(line: string, column: number): Promise<boolean> {
    const trimmed = line.trim();
    if (this.behaviour.clearBootConfig?.test(trimmed) === true) {
      this.sw.flash.selectBoot(undefined);
      this.sw.configChanged();
      return true;
    }
    const where = this.behaviour.bootConfig?.exec(trimmed)?.[1];
    if (where === undefined) return false;
    await this.selectBoot(where, column + trimmed.lastIndexOf(where));
    return true;
  }

  /** `boot system FILE`: the file must be in flash. */
  async selectBoot(where: string, column: number): Promise<void> {
    const file = this.behaviour.flashFile(where);
    if (file === undefined || this.sw.flash.get(file) === undefined) {
      await this.term.invalid(column);
      return;
    }
    this.sw.flash.selectBoot(file);
    this.sw.configChanged();
  }

  /** `reload`: its questions, then the switch goes down with this session. */
  async reload(): Promise<void> {
    for (const question of this.behaviour.reloadQuestions) {
      if (question.onlyWhenUnsaved === true && !this.sw.hasUnsavedChanges()) continue;
      const answer = await this.term.ask(question.text);
      if (answer === null || !question.proceed.test(answer.trim())) return;
      if (question.save?.test(answer.trim()) === true) this.sw.save();
    }
    await this.term.print(this.behaviour.reloadNotice);
    this.sw.reload();
    this.term.end();
  }
}
