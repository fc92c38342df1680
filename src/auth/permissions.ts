import type { Stage } from '../stages/stages.js';

/**
 * Permissions are per department. `<stage>:act` lets a person work the queue of that stage — move
 * orders out of it, reject them — which is how a fulfilment clerk can ship but not approve fraud.
 */
export const DEPARTMENT_OF_STAGE: Record<Stage, string> = {
  quote_request: 'quotes',
  quote_sent: 'quotes',
  pre_ordered: 'preorders',
  accounts_receivable: 'accounts_receivable',
  pending_clearance: 'pending_clearance',
  fraud_review: 'fraud_review',
  hold: 'hold',
  shipping_department: 'shipping',
  completed_order: 'completed',
  rejected: 'rejected',
};
export const DEPARTMENTS = [...new Set(Object.values(DEPARTMENT_OF_STAGE))];

export const PERMISSIONS = [
  'orders:view', 'orders:create', 'orders:edit', 'orders:delete',
  ...DEPARTMENTS.flatMap((d) => [`${d}:view`, `${d}:act`]),
  'catalog:view', 'catalog:edit', 'customers:view', 'customers:edit',
  'users:manage', 'api_keys:manage', 'metrics:view',
  'settings:manage', // merchant-wide settings such as the fraud rules: admin and manager
] as const;
export type Permission = (typeof PERMISSIONS)[number] | `${string}:${'view' | 'act'}`;

export const ROLES = ['admin', 'manager', 'customer_service', 'fulfilment', 'accounting', 'read_only'] as const;
export type Role = (typeof ROLES)[number];

const all = [...PERMISSIONS] as Permission[];
const views = all.filter((p) => p.endsWith(':view'));
const act = (...departments: string[]) => departments.map((d) => `${d}:act` as Permission);

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(all),
  manager: new Set(all.filter((p) => !['users:manage', 'api_keys:manage', 'orders:delete'].includes(p))),
  customer_service: new Set<Permission>([
    ...views.filter((p) => p !== 'metrics:view'), 'orders:create', 'orders:edit', 'customers:edit',
    ...act('quotes', 'preorders', 'accounts_receivable', 'hold', 'rejected'),
  ]),
  fulfilment: new Set<Permission>([
    'orders:view', 'shipping:view', 'completed:view', 'hold:view', 'preorders:view', 'catalog:view', 'catalog:edit', 'customers:view',
    ...act('shipping', 'completed', 'hold'),
  ]),
  accounting: new Set<Permission>([
    ...views.filter((p) => p !== 'metrics:view'), 'orders:edit', 'customers:view',
    ...act('accounts_receivable', 'pending_clearance', 'fraud_review', 'completed', 'rejected', 'hold'),
  ]),
  read_only: new Set(views.filter((p) => p !== 'metrics:view')),
};

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);
export const isPermission = (value: string): value is Permission => (all as string[]).includes(value);
export const stageActPermission = (stage: Stage): Permission => `${DEPARTMENT_OF_STAGE[stage]}:act` as Permission;
export const stageViewPermission = (stage: Stage): Permission => `${DEPARTMENT_OF_STAGE[stage]}:view` as Permission;
