/**
 * The back office's navigation, mirroring the order life cycle. A department appears only when it is
 * built (listed here) and the user holds its view permission. Stage values are the API's.
 */
export type Stage =
  | 'quote_request' | 'quote_sent' | 'pre_ordered' | 'accounts_receivable' | 'pending_clearance'
  | 'fraud_review' | 'hold' | 'shipping_department' | 'completed_order' | 'rejected';

export const STAGE_LABEL: Record<Stage, string> = {
  quote_request: 'Quote Request', quote_sent: 'Quote Sent', pre_ordered: 'Pre-ordered',
  accounts_receivable: 'Accounts Receivable', pending_clearance: 'Pending Clearance', fraud_review: 'Fraud Review',
  hold: 'Hold', shipping_department: 'Shipping Department', completed_order: 'Completed Order', rejected: 'Rejected',
};

export interface Department {
  /** URL path segment, e.g. `/fraud-review`. */
  path: string;
  label: string;
  /** The stages whose orders make up this department's queue. */
  stages: readonly Stage[];
  /** Permission needed to see it, e.g. `fraud_review:view`. */
  permission: string;
}

export const LIFE_CYCLE: readonly Department[] = [
  { path: '/quotes', label: 'Quote Requests', stages: ['quote_request', 'quote_sent'], permission: 'quotes:view' },
  { path: '/preorders', label: 'Pre-orders', stages: ['pre_ordered'], permission: 'preorders:view' },
  { path: '/accounts-receivable', label: 'Accounts Receivable', stages: ['accounts_receivable'], permission: 'accounts_receivable:view' },
  { path: '/pending-clearance', label: 'Pending Clearance', stages: ['pending_clearance'], permission: 'pending_clearance:view' },
  { path: '/fraud-review', label: 'Fraud Review', stages: ['fraud_review'], permission: 'fraud_review:view' },
  { path: '/hold', label: 'Hold', stages: ['hold'], permission: 'hold:view' },
  { path: '/shipping', label: 'Shipping', stages: ['shipping_department'], permission: 'shipping:view' },
  { path: '/completed', label: 'Completed Orders', stages: ['completed_order'], permission: 'completed:view' },
  { path: '/rejected', label: 'Rejected', stages: ['rejected'], permission: 'rejected:view' },
];

export interface Tool { path: string; label: string; permission: string }

/** Tools that exist today; Back End Order Entry, Batch, Export arrive with their issues. */
export const TOOLS: readonly Tool[] = [
  { path: '/review', label: 'Review Orders', permission: 'orders:view' },
  // Listed for those who may change settings; others may still open a section they can read, read-only.
  { path: '/settings', label: 'Settings', permission: 'settings:manage' },
];

export const departmentOfStage = (stage: Stage): Department | undefined => LIFE_CYCLE.find((d) => d.stages.includes(stage));

/** What a permission opens, in the merchant's words: "Fraud Review" for `fraud_review:view`. */
export function describePermission(permission: string): string {
  const place = [...LIFE_CYCLE, ...TOOLS].find((d) => d.permission === permission && permission !== 'orders:view');
  if (place) return place.label;
  if (permission === 'orders:view') return 'orders';
  return permission;
}
