/**
 * Budget rules from config.yaml (`budget:`) evaluated against the fleet as it is now. A breach is data, not an
 * action: the CLI prints it, the watcher and the fleet keeper notify about it or act on it.
 */
import { instanceBurn } from '../fleet/burn.js';
import type { Instance } from '../vast/types.js';

/** The limits a user can set; each is optional. */
export interface BudgetRules {
  /** Most $/hr one GPU (card) may cost, storage included, for instances billing GPU time. */
  maxCardDph?: number;
  /** Most $/hr the whole fleet may burn. */
  maxFleetDph?: number;
  /** Most $ per day: checked against the current rate × 24 and against the last 24 h of charges. */
  dailyBudget?: number;
  /** Least credit ($) to keep in the account. */
  minBalance?: number;
}

/** Which rule a breach broke. */
export type BudgetRule = keyof BudgetRules;

/** One broken rule. */
export interface Breach {
  rule: BudgetRule;
  /** The instance, for per-card breaches. */
  instanceId?: number;
  label?: string | null;
  value: number;
  limit: number;
  /** One sentence, e.g. "instance 1001 costs $0.612/hr per GPU, over the $0.500 limit". */
  message: string;
}

/** What the rules are checked against. */
export interface BudgetState {
  instances: readonly Instance[];
  /** Spendable credit, $, when known. */
  credit?: number | null;
  /** $ charged over the last 24 h, when known. */
  spentLast24h?: number | null;
}

/** Evaluates every rule that is set; an empty list means within budget. */
export function evaluateBudget(rules: BudgetRules, state: BudgetState): Breach[] {
  const out: Breach[] = [];
  const usd = (x: number) => `$${x.toFixed(3)}`;
  if (rules.maxCardDph !== undefined) {
    for (const inst of state.instances) {
      if (inst.status !== 'running' && inst.status !== 'frozen') continue;
      const perCard = inst.dphTotal / Math.max(1, inst.numGpus);
      if (perCard > rules.maxCardDph) {
        out.push({
          rule: 'maxCardDph',
          instanceId: inst.id,
          label: inst.label,
          value: perCard,
          limit: rules.maxCardDph,
          message:
            `instance ${inst.id}${inst.label ? ` (${inst.label})` : ''} costs ${usd(perCard)}/hr per GPU, over ` +
            `the ${usd(rules.maxCardDph)} limit`,
        });
      }
    }
  }
  const perHour = state.instances.reduce((s, i) => s + instanceBurn(i), 0);
  if (rules.maxFleetDph !== undefined && perHour > rules.maxFleetDph) {
    out.push({
      rule: 'maxFleetDph',
      value: perHour,
      limit: rules.maxFleetDph,
      message: `fleet burns ${usd(perHour)}/hr, over the ${usd(rules.maxFleetDph)} limit`,
    });
  }
  if (rules.dailyBudget !== undefined) {
    const perDay = perHour * 24;
    if (perDay > rules.dailyBudget) {
      out.push({
        rule: 'dailyBudget',
        value: perDay,
        limit: rules.dailyBudget,
        message: `current rate is ${usd(perDay)}/day, over the ${usd(rules.dailyBudget)} daily budget`,
      });
    }
    const spent = state.spentLast24h;
    if (spent != null && spent > rules.dailyBudget) {
      out.push({
        rule: 'dailyBudget',
        value: spent,
        limit: rules.dailyBudget,
        message: `spent ${usd(spent)} in the last 24 h, over the ${usd(rules.dailyBudget)} daily budget`,
      });
    }
  }
  const credit = state.credit;
  if (rules.minBalance !== undefined && credit != null && credit < rules.minBalance) {
    out.push({
      rule: 'minBalance',
      value: credit,
      limit: rules.minBalance,
      message: `credit is ${usd(credit)}, below the ${usd(rules.minBalance)} minimum`,
    });
  }
  return out;
}
