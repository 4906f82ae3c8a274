import { intendedProblems, maskSecrets, normaliseConfig, parseConfigTree } from '../config/index.js';
import type { Profile } from '../device/index.js';
import type { ComplianceScope } from '../inventory/index.js';
import { Events, type Logger } from '../log/index.js';
import { scopeConfig } from './compliance.js';
import { checkGuardRails, type GuardRailContext, type Refusal } from './guard-rails.js';
import { planRemediation, type RemediationPlan } from './plan/index.js';

/**
 * Every reason not to send `plan`: the intended config fails validation
 * (`invalid-intended`: a rendered template is checked here as a baseline is
 * at load), or the plan crosses a guard rail. Empty: it may be sent.
 */
export function planRefusals(plan: RemediationPlan, intended: string, running: string, profile: Profile, device: string, guard: GuardRailContext): Refusal[] {
  const refusals: Refusal[] = [];
  if (!guard.allow.includes('invalid-intended')) {
    const loginUser = guard.allow.includes('login-user') ? {} : { loginUser: guard.loginUser };
    const problems = intendedProblems(intended, profile.tree, { hostname: device, ...loginUser });
    if (problems.length > 0) {
      refusals.push({
        class: 'invalid-intended',
        reason: `the intended config is not valid: ${problems.map((problem) => problem.message).join('; ')}`,
        lines: problems.map((problem) => (problem.line === undefined ? problem.message : `line ${String(problem.line)}: ${problem.message}`)),
      });
    }
  }
  refusals.push(...checkGuardRails(plan, parseConfigTree(normaliseConfig(running, profile), profile.tree), guard));
  return refusals;
}

/** Refusals as they may be shown and stored: the offending lines with secrets masked. */
export function maskedRefusals(refusals: readonly Refusal[], profile: Profile): Refusal[] {
  return refusals.map((refusal) => ({ ...refusal, lines: refusal.lines.map((line) => maskSecrets(line, profile)) }));
}

/** `device.plan.refused`: one event for the plan, every class with its reason and offending lines, secrets masked. */
export function logRefusals(logger: Logger, fields: object, refusals: readonly Refusal[], profile: Profile): void {
  const shown = maskedRefusals(refusals, profile);
  logger.error(
    { event: Events.planRefused, ...fields, result: 'failed', classes: shown.map((refusal) => refusal.class), refusals: shown, sent: 0 },
    `plan refused, nothing sent: ${shown.map((refusal) => `${refusal.class}: ${refusal.reason}`).join('; ')}`,
  );
}

export interface GuardedPlan {
  plan: RemediationPlan;
  /** Empty: the plan may be sent. */
  refusals: Refusal[];
}

/**
 * The plan from `running` to `intended` within the site's compliance scope,
 * and why it may not be sent: what a push sends, and what a dry run shows.
 */
export function guardedPlan(intended: string, running: string, profile: Profile, device: string, guard: GuardRailContext, scope?: ComplianceScope): GuardedPlan {
  const scoped = (text: string): string => (scope === undefined ? text : scopeConfig(text, profile, scope));
  const plan = planRemediation(scoped(intended), scoped(running), profile);
  return { plan, refusals: planRefusals(plan, intended, running, profile, device, guard) };
}
