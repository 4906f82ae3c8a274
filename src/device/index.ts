export type { Profile, SaveSpec, SecretMask, RemediationRules, LineRewrite, OrderRule } from './profile.js';
export { getProfile, profileNames, suggestProfile, buildProfile, ProfileError, type ProfileOverrides } from './profiles/index.js';
export { DeviceError, isDeviceError, type DeviceErrorKind, type RefusedHostKey } from './errors.js';
export { HostKeyStore, fingerprint, isFingerprint, type HostKeyListing, type HostKeyOwner, type HostKeyVerdict } from './hostkeys.js';
export { DeviceSession, legacyAlgorithms, type DeviceTarget, type SessionDeps } from './session.js';
export { parseLldpNeighbors, parseMacTable, canonicalPort, type LldpNeighbor, type MacEntry } from './parsers.js';
export { backoffDelay, withRetries, DEFAULT_BACKOFF, type BackoffOptions } from './retry.js';
export { limit, KeyedLock, type Limiter } from './concurrency.js';
export { readFacts, type DeviceFacts, type FactPattern, type FactsCommand, type FactSource, type FactsSession, type FamilyFacts } from './facts.js';
