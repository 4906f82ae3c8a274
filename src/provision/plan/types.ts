/** One change of a remediation plan: a command typed inside a section. */
export interface PlanChange {
  /** Section openers from the top, e.g. `['router bgp 65000', 'address-family ipv4 unicast']`; empty at the top level. */
  path: readonly string[];
  /** The command typed inside that section. */
  command: string;
  action: 'add' | 'remove' | 'replace';
  /** The running line it removes or replaces. */
  replaces?: string;
  /** Commands (typed at the same path) that restore the running state; empty when an enclosing change's undo covers it. */
  undo: readonly string[];
}

export interface RemediationPlan {
  /** In the order they are typed. */
  changes: readonly PlanChange[];
  /** Exactly what is typed in config mode, section entries and exits included, ending at the top level. */
  lines: readonly string[];
  /** Typed after `lines`, from the top level, restores the running config. */
  rollback: readonly string[];
  /** The line that leaves each section the plan enters (`exit`, `exit-address-family`…), by its openers joined with newlines; for rollbackOfApplied. */
  sectionExits: ReadonlyMap<string, string>;
}
