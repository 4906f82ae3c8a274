export { renderTemplate, renderTemplateText, TemplateError } from './render.js';
export { planRemediation, parseConfigTree, negate, type PlanProfile } from './plan.js';
export { compareConfigs } from './compare.js';
export { provisionDevice, displayLines, dryRunLines, type ConfigSession, type PushRequest, type PushOutcome } from './push.js';
