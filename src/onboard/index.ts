export { Onboarder, exitCodeOf, DEFAULT_CONCURRENCY, type OnboarderOptions, type LeaseExtras } from './onboarder.js';
export { createOnboarder, type CreateOnboarderOptions } from './create.js';
export { readStatus, StatusBook, type DeviceStatus, type Action } from './status.js';
export { BackupStore, type BackupVersion } from './backups.js';
export { identify, samePort, sameSystem, type IdentityOutcome, type IdentityProbe, type IdentitySource, type FactoryLease } from './identity.js';
export { JobScheduler, type SubmitResult } from './scheduler.js';
export { sshConnector, targetFor, type DeviceConnector, type SessionLike } from './session.js';
export { DeviceWork, type Outcome, type CheckOutcome, type ProvisionOutcome } from './work.js';
export { restoreLearned, type LearnedDevice } from './learned.js';
