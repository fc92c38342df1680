/** Branded ids so an order's internal id is never passed where a user id is expected. */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type OrderId = Brand<number, 'OrderId'>;
export type UserId = Brand<number, 'UserId'>;
export type ItemId = Brand<number, 'ItemId'>;
export type CustomerId = Brand<number, 'CustomerId'>;
export type ApiKeyId = Brand<number, 'ApiKeyId'>;
/** The human-readable order id a merchant sees: configurable prefix + sequence, e.g. `OD-1000042`. */
export type OrderNumber = Brand<string, 'OrderNumber'>;

export function formatOrderNumber(prefix: string, sequence: number): OrderNumber {
  return `${prefix}${sequence}` as OrderNumber;
}
