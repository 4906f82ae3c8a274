export type {
  ComplianceFeature, ComplianceScope, CredentialRef, Credentials, GuardRailClass, IgnoredLine, IntendedSource, OnFailure,
  FirmwareImage, FirmwareTarget, NotifyHook, NotifyTarget, OnboardSettings, ParkingSettings, UnknownPolicy, SecretRef, WebhookFormat, PortmapEntry, Site, SiteBackups, SiteDevice, SitePolicy, SourcePosition, SshSettings, Subnet,
  TemplateVars, Uplink,
} from './types.js';
export { DEFAULT_MAX_CHANGE_RATIO, GUARD_RAIL_CLASSES } from './types.js';
export { SiteFileError, formatProblem, type SiteProblem } from './errors.js';
export { CredentialError, resolveCredentials, resolveHookSecret, resolveWebhookUrl } from './credentials.js';
export { Inventory, templateVars, type DeviceRef, type ExpectedDevice, type PortmapRef } from './inventory.js';
export { loadInventory, loadSite, parseSite, siteFiles, SITE_FILE, type SiteOverlay } from './load.js';
export type { Origins } from './validate.js';
export { DEFAULT_BACKUP_KEY_ENV } from './validate-backups.js';
export { profileForModel, templatePath } from './models.js';
export { parseDuration } from './durations.js';
export { canonicalMac, DEFAULT_JOB_TIMEOUT_MS } from './validate.js';
export { subnetContains, parseSubnet } from './subnets.js';
export { checkSites, type SitesCheckReport } from './check.js';
export { inAllowedRange } from './validate-onboard.js';
export { parkedHostname, parkingTemplate } from './parking.js';
