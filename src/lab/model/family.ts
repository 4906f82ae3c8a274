/**
 * What a CLI family knows about its configuration commands, as data: which
 * lines open which sections, which first words each section accepts, which
 * `no` forms the family prints, which interfaces are built in. The device
 * model in this folder reads it; nothing here knows a family by name.
 */

/** A line that opens a section of `kind` when typed in the section that lists it. */
export interface SectionOpener {
  kind: string;
  /** Tested on the typed line with its first word spelled out, lower case. */
  opens: RegExp;
}

export interface SectionKind {
  /** What the prompt shows for this section: `HOST(config-<prompt>)#`. */
  prompt: string;
  /**
   * First words a setting in this section may start with. Without a list the
   * section takes any line that does not open a section above it.
   */
  keywords?: readonly string[];
  /** Sections that may be opened inside this one. */
  sections: readonly SectionOpener[];
  /** How the switch prints a keyword of this section, where not as listed (FSOS 1.x shows `VLAN` in its VLAN database, however it was typed). */
  printedKeywords?: Readonly<Record<string, string>>;
  /** A typed line that leaves this section (and only this one), as IOS's `exit-address-family`. */
  exit?: string;
  /** Printed after the section's lines, as IOS prints ` exit-address-family`. */
  closing?: string;
}

/** A feature whose `no` form is a line of the running config. */
export interface PrintedNegation {
  /** The words after `no`, e.g. `ip domain-lookup`. */
  feature: string;
  /** The feature takes arguments, each printed as its own `no` line (`no spanning-tree vlan 10`, `no username guest`). */
  withArguments?: boolean;
  /** The positive form is printed too (`aaa new-model`); else it is the default and prints nothing (`service pad`). */
  positivePrinted: boolean;
}

export interface FamilyGrammar {
  /** `global` is the root; every kind named by an opener is a key. */
  sections: Readonly<Record<string, SectionKind>>;
  /** Which section kind `interface X` opens, for the interface names the family accepts. */
  interfaceKind: string;
  printedNegations: readonly PrintedNegation[];
  /** Interfaces that exist whatever the config says (ports, the null interface): never deleted. */
  builtInInterface: RegExp;
  /** `vlan N` opens a block per VLAN, and a `vlan 1,10-20` line lists every VLAN (FSOS 2.x). */
  vlanListLine: boolean;
  /**
   * `switchport trunk allowed vlan add|remove|except …` edits the one allowed list (IOS); else the
   * family prints each such line as typed (NetworkOS, FSOS 1.x).
   */
  trunkVlanArithmetic: boolean;
  /** FSOS 1.x prints `username X privilege N` and `username X password …` as two settings. */
  usernameKeyLength: number;
  /** Order of new top-level lines by first word; unknown words sit after the last listed one before `interface`. */
  topOrder: readonly string[];
}

/** The global section of a family. */
export function globalSection(grammar: FamilyGrammar): SectionKind {
  const global = grammar.sections.global;
  if (global === undefined) throw new Error('a family grammar needs a global section');
  return global;
}
