/**
 * Every structured log event onramp emits. Event names are part of the
 * product contract (PRODUCT.md "Log events"): use these constants, never
 * string literals, so a rename is one edit and a typo is a compile error.
 */
export const Events = {
  dhcpAck: 'dhcp.ack',
  dhcpSuppressed: 'dhcp.renewal.suppressed',
  checkStart: 'device.check.start',
  checkOk: 'device.check.ok',
  checkDrift: 'device.check.drift',
  checkFailed: 'device.check.failed',
  provisionStart: 'device.provision.start',
  provisionDone: 'device.provision.done',
  provisionFailed: 'device.provision.failed',
  /** After a rejected line: the inverse of the lines already applied, typed back (or left, as the site says). */
  provisionRollback: 'device.provision.rollback',
  /** A plan stopped by the guard rails before its first line: class, reason and offending lines of each refusal. */
  planRefused: 'device.plan.refused',
  /** A remediation confirmed on a plan that is no longer the plan (the switch's config changed since): nothing sent; `commands` is the plan now. */
  planChanged: 'device.plan.changed',
  backupSaved: 'device.backup.saved',
  backupScheduled: 'device.backup.scheduled',
  /** The git backup store's new versions reached the site's remote. */
  backupPushed: 'backup.push.ok',
  /** A push of the git backup store failed; it is retried with a doubling pause (`retryInMs`). */
  backupPushFailed: 'backup.push.failed',
  unreachable: 'device.unreachable',
  identityFound: 'device.identity.found',
  identityUnknown: 'device.identity.unknown',
  identityAmbiguous: 'device.identity.ambiguous',
  identityConflict: 'device.identity.conflict',
  identityMismatch: 'device.identity.mismatch',
  /** The switch reports a model (or family) other than its port map entry's: parked, never given that entry's template. */
  identityModelMismatch: 'device.identity.model-mismatch',
  /** A factory switch the port map does not identify got the site's parking config and login; `onramp assign` names it. */
  parked: 'device.parked',
  /** An operator named a parked switch (`onramp assign MAC|SERIAL --as NAME`); it is provisioned as that entry. */
  assigned: 'device.assigned',
  /** A factory switch leasing outside the site's onboard.allowedRanges: reported, never connected to. */
  outsideRange: 'device.onboard.outside-range',
  unknownDevice: 'device.unknown',
  hostkeyPinned: 'hostkey.pinned',
  hostkeyChanged: 'hostkey.changed',
  inputOpened: 'input.opened',
  inputRotated: 'input.rotated',
  inputLineRejected: 'input.line.rejected',
  /** Syslog from a sender outside the listener's allow list, dropped unread; `count` is how many this line stands for. */
  inputSenderRefused: 'input.sender.refused',
  /** A native action fired by an event from an input whose role does not allow it; `count` as above. */
  inputActionRefused: 'input.action.refused',
  /** A job that a stop caught before its first session or its push: nothing changed, it runs at the next start. */
  jobDeferred: 'device.job.deferred',
  /** At a stop, the jobs not done (queued, or deferred) were written to the state directory. */
  jobsSaved: 'device.jobs.saved',
  /** At start, the jobs a stop left were queued again. */
  jobsResumed: 'device.jobs.resumed',
  /** With a shared store: the job (the same lease seen by a failover peer…) is another appliance's; nothing done here. */
  jobClaimedElsewhere: 'device.job.claimed-elsewhere',
  /** With a shared store: jobs of an appliance gone quiet (killed, lost) were taken over by this one. */
  jobsTakenOver: 'device.jobs.taken-over',
  /** With a shared store: it could not be reached; jobs that come are held under the state directory until it is back. */
  storeUnreachable: 'store.unreachable',
  /** With a shared store: it is back; the jobs held meanwhile are done, in the order they came. */
  storeReconnected: 'store.reconnected',
  /** With a shared store out of reach: jobs beyond what may be held, dropped; `count` as above. */
  jobsDropped: 'device.jobs.dropped',
  /** A notification given up after its retries (or at a stop) and written to the dead-letter file. */
  notifyFailed: 'notify.failed',
  /** Notifications beyond a hook's rate limit, dropped; `count` as above. */
  notifyDropped: 'notify.dropped',
  /** The web console answers at `url` (`onramp run --http`, `onramp console`). */
  consoleListening: 'console.listening',
  /** A factory switch on another OS version than its site names for its model is being upgraded before its config. */
  firmwareUpgradeStarted: 'device.firmware.upgrade.started',
  /** It came back, proved to be the same switch, and runs the site's version. */
  firmwareUpgradeDone: 'device.firmware.upgrade.done',
  /** A step failed, the image was refused, or the switch did not come back in time or on the version: it is not provisioned. */
  firmwareUpgradeFailed: 'device.firmware.upgrade.failed',
  /** A known switch's check: whether it runs the version its site names for its model (report only). */
  firmwareCompliance: 'device.firmware.compliance',
  ruleError: 'rule.error',
  ruleLogonly: 'rule.logonly',
} as const;

/** The events a site's `notify:` hooks may name (PRODUCT.md "Notifications"). */
export const NOTIFIABLE_EVENTS: readonly EventName[] = [
  Events.checkDrift, Events.provisionDone, Events.provisionFailed, Events.planRefused, Events.hostkeyChanged, Events.backupSaved,
  Events.firmwareUpgradeDone, Events.firmwareUpgradeFailed, Events.parked,
];

export type EventName = (typeof Events)[keyof typeof Events];

/** How an event that ends a piece of work turned out. */
export type Result = 'ok' | 'drift' | 'remediated' | 'provisioned' | 'parked' | 'restored' | 'failed' | 'unreachable' | 'skipped';
