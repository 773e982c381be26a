/** glassbox/audit: the audit's defaults, findings and intervals, and held-out data from records. */
export {
  AUDIT_DEFAULTS,
  AUDITED_EXPLAINERS,
  type AuditFinding,
  type AnchorFinding,
  type CounterfactualFinding,
  type AuditStatus,
  type AuditReason,
} from '../audit/audit.js';
export { wilsonInterval, klInterval, normalQuantile, type Interval, type IntervalMethod } from '../audit/intervals.js';
export { heldOutFromRecords, type HeldOutSet } from '../audit/held-out.js';
export { pairAnchorCounterfactual, type CounterfactualLikeData, type CounterfactualSearch } from '../keeps-and-flips/anchor-counterfactual.js';
