export { planRemediation, rollbackOfApplied } from './plan.js';
export type { PlanChange, RemediationPlan } from './types.js';
export { managedTrees } from './managed.js';
