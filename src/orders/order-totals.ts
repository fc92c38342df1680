import { AppError } from '../shared/errors.js';

export interface LineAmounts {
  quantity: number;
  unitPrice: number;
  /** Discount on the whole line, in minor units. */
  discount: number;
  /** Tax on the whole line, in minor units. */
  tax: number;
}

export interface OrderSummary {
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  total: number;
  refunded: number;
}

/**
 * The one place an order's summary is computed. Everything is integer minor units, so the sums
 * are exact; a line whose discount exceeds its value is refused rather than producing a negative.
 */
export function computeSummary(lines: readonly LineAmounts[], shippingCost: number, shippingTax: number, refunded = 0): OrderSummary {
  let subtotal = 0;
  let discount = 0;
  let tax = shippingTax;
  lines.forEach((line, i) => {
    const lineValue = line.quantity * line.unitPrice;
    if (line.discount > lineValue) {
      throw new AppError('totals_mismatch', `line ${i + 1}: discount ${line.discount} exceeds the line value ${lineValue}`, { field: `/items/${i}/discount` });
    }
    subtotal += lineValue;
    discount += line.discount;
    tax += line.tax;
  });
  const total = subtotal - discount + shippingCost + tax;
  if (!Number.isSafeInteger(total)) throw new AppError('validation_failed', 'order total is too large', { field: '/items' });
  return { subtotal, discount, shipping: shippingCost, tax, total, refunded };
}
