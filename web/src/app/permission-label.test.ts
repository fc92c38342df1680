import { describe, expect, it } from 'vitest';
import { permissionLabel } from './permission-label';

describe('permissionLabel', () => {
  it('names a department permission in the merchant’s words', () => {
    expect(permissionLabel('shipping:act')).toBe('the Shipping department’s act permission');
    expect(permissionLabel('fraud_review:act')).toBe('the Fraud Review department’s act permission');
    expect(permissionLabel('accounts_receivable:view')).toBe('the Accounts Receivable department’s view permission');
  });

  it('keeps the name of a permission that belongs to no department', () => {
    expect(permissionLabel('settings:manage')).toBe('the settings:manage permission');
    expect(permissionLabel('orders')).toBe('the orders permission');
  });
});
