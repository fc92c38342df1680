import { describe, expect, it } from 'vitest';
import { type Permission, ROLE_PERMISSIONS, ROLES } from './permissions.js';
import { assertMayViewStage, assertMayViewStages, visibleStages } from './stage-access.js';

const caller = (...permissions: string[]) => ({ permissions: new Set(permissions as Permission[]) });

describe('stage access', () => {
  it('restricts only roles that lack some department view', () => {
    const restricted = Object.fromEntries(ROLES.map((role) => [role, visibleStages({ permissions: ROLE_PERMISSIONS[role] })]));
    expect(restricted).toEqual({
      admin: undefined, manager: undefined, customer_service: undefined, accounting: undefined, read_only: undefined,
      fulfilment: ['pre_ordered', 'hold', 'shipping_department', 'completed_order'],
    });
    expect(visibleStages(caller('orders:view'))).toEqual([]);
    expect(visibleStages(caller('orders:view', 'quotes:view'))).toEqual(['quote_request', 'quote_sent']);
  });

  it('refuses a hidden stage with 403, naming the stage and the permission it needs', () => {
    const fulfilment = { permissions: ROLE_PERMISSIONS.fulfilment };
    expect(() => assertMayViewStage(fulfilment, 'shipping_department')).not.toThrow();
    expect(() => assertMayViewStage(fulfilment, 'fraud_review')).toThrow(expect.objectContaining({
      code: 'forbidden', status: 403, message: 'orders in fraud_review need the "fraud_review:view" permission',
    }));
    expect(() => assertMayViewStages(fulfilment, ['hold', 'quote_request', 'quote_sent', 'rejected'], 'querystring:/stage')).toThrow(expect.objectContaining({
      field: 'querystring:/stage', message: 'orders in quote_request, quote_sent, rejected need the permissions "quotes:view", "rejected:view"',
    }));
    expect(() => assertMayViewStage({ permissions: ROLE_PERMISSIONS.admin }, 'rejected')).not.toThrow();
  });
});
