export { renderTemplate, renderTemplateText, TemplateError } from './render.js';
export { planRemediation, rollbackOfApplied, type PlanChange, type RemediationPlan } from './plan/index.js';
export { compareConfigs } from './compare.js';
export { provisionDevice, displayLines, dryRunLines, type ConfigSession, type PushRequest, type PushOutcome } from './push.js';
export { checkGuardRails, describeChange, type GuardRailContext, type Refusal } from './guard-rails.js';
export { checkCompliance, scopeConfig, type ComplianceReport, type FeatureCompliance } from './compliance.js';
export { guardedPlan, logRefusals, maskedRefusals, planRefusals, type GuardedPlan } from './refusals.js';
export type { StopBudget, StopEstimate } from './stop-pace.js';
export { withPortsReset } from './reset-ports.js';
