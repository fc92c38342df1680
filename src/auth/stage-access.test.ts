import { describe, expect, it } from 'vitest';
import { type Permission, ROLE_PERMISSIONS, ROLES } from './permissions.js';
import { assertMayMoveOrdersOutOf, assertMayViewStage, assertMayViewStages, mayMoveOrdersOutOf, visibleStages } from './stage-access.js';

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

  it('lets a caller move orders out of a stage it may see and act on, and says what is missing otherwise', () => {
    const role = (r: keyof typeof ROLE_PERMISSIONS) => ({ permissions: ROLE_PERMISSIONS[r] });
    expect(mayMoveOrdersOutOf(role('fulfilment'), 'shipping_department')).toBe(true);
    expect(mayMoveOrdersOutOf(role('read_only'), 'shipping_department')).toBe(false);
    expect(mayMoveOrdersOutOf(role('customer_service'), 'fraud_review')).toBe(false);
    expect(mayMoveOrdersOutOf(role('accounting'), 'fraud_review')).toBe(true);
    expect(() => assertMayMoveOrdersOutOf(role('read_only'), 'hold')).toThrow(expect.objectContaining({
      code: 'forbidden', status: 403, message: 'moving orders out of hold needs the "hold:act" permission',
    }));
    // Acting without seeing is refused as the order's page is: the hidden stage is named, not the act.
    expect(() => assertMayMoveOrdersOutOf(caller('fraud_review:act'), 'fraud_review')).toThrow(expect.objectContaining({
      message: 'orders in fraud_review need the "fraud_review:view" permission',
    }));
    expect(mayMoveOrdersOutOf(caller('fraud_review:view', 'fraud_review:act'), 'fraud_review')).toBe(true);
  });
});
