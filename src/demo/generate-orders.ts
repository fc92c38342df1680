import type { ResolvedItem } from '../orders/order-items.js';
import { computeSummary } from '../orders/order-totals.js';
import type { NewOrderRow } from '../orders/orders.table.js';
import { type Term, termsForOrder } from '../search/search-terms.js';
import { formatOrderNumber } from '../shared/ids.js';
import { roundHalfEven } from '../shared/money.js';
import { checkStageMove } from '../stages/stage-machine.js';
import { routeNewOrder } from '../stages/routing.js';
import { ASYNCHRONOUS_METHODS, type Stage, STAGES } from '../stages/stages.js';
import { type DemoCustomer, demoAddress, demoCustomer, taxRateFor } from './demo-customers.js';
import type { DemoPools } from './demo-pools.js';
import { planPayment, planStage, type StagePlan } from './order-scenarios.js';
import { Rng } from './random.js';

const DAY = 86_400_000;
const SPAN = 730 * DAY;

export interface GeneratedHistory {
  at: number;
  kind: 'created' | 'stage';
  from: Stage | null;
  to: Stage;
  reason: string;
}

/** One order as createOrder (and, for later moves, moveOrderStage) would have written it; ids are filled in by the writer. */
export interface GeneratedOrder {
  row: Omit<NewOrderRow, 'customer_id' | 'id'>;
  customer: DemoCustomer;
  items: ResolvedItem[];
  history: GeneratedHistory[];
  terms: Term[];
  /** The ledger row its payment stands for (seedLedgerEntry); none when no money was taken, held or submitted. */
  ledger: SeedLedgerEntry | undefined;
}

export interface GeneratorOptions {
  pools: DemoPools;
  seed: number;
  /** Orders in this run; creation times spread over the last two years by position. */
  count: number;
  now: number;
  orderNumberPrefix: string;
  /**
   * The gateway name Orderdeck records payments under (`sandbox`, or `http` for ORDERDECK_GATEWAY_URL): a
   * submitted payment's pending row names it, so that gateway's notification finds it. Default `sandbox`.
   */
  gateway?: string | undefined;
}

const PRICE_FACTOR = { USD: 1, EUR: 0.92, GBP: 0.79, JPY: 1.5 } as const;
const SHIPPING = { USD: 599, EUR: 490, GBP: 395, JPY: 800 } as const;
const TAGS = ['vip', 'gift', 'first-order', 'rush', 'newsletter', 'repeat', 'promo-summer', 'black-friday', 'loyalty'];
const LINE_COUNTS = { 1: 50, 2: 30, 3: 14, 4: 6 };
const REFERRALS = ['google', 'instagram', 'newsletter', 'friend', 'podcast', 'tiktok'];

/** A USD catalog price in the order's currency, with the "ends in 9" look of real price lists. */
function priceIn(currency: keyof typeof PRICE_FACTOR, usdCents: number): number {
  if (currency === 'JPY') return Math.max(100, Math.round((usdCents * PRICE_FACTOR.JPY) / 10) * 10); // yen have no minor unit
  if (currency === 'USD') return usdCents;
  return Math.max(99, Math.round((usdCents * PRICE_FACTOR[currency]) / 50) * 50 - 1);
}

/**
 * Generates demo orders one sequence number at a time. Entry stage comes from routeNewOrder and
 * every later move is checked against the stage table, so a seeded order is one the application
 * itself could have produced.
 */
export class OrderGenerator {
  private readonly rng: Rng;
  private readonly customerCount: number;
  private readonly start: number;
  private readonly customers = new Map<number, DemoCustomer>();

  constructor(private readonly o: GeneratorOptions, firstSequence: number) {
    this.rng = new Rng(o.seed ^ Math.imul(firstSequence, 2654435761));
    // ~0.6 customers per order: most buy once, a long tail buys again and again.
    this.customerCount = Math.max(20, Math.ceil(o.count * 0.6));
    this.start = o.now - SPAN;
  }

  /** `index` is the position in this run (0 … count-1), which fixes the creation time. */
  generate(index: number, sequence: number): GeneratedOrder {
    const { rng, o } = this;
    // Growth: more orders lately (density rises linearly), strictly ascending with the sequence.
    const createdAt = Math.min(o.now - 1000, this.start + Math.floor(SPAN * Math.sqrt((index + 0.5) / o.count)));
    const customer = this.customer(Math.floor(this.customerCount * rng.float() ** 1.6));
    const plan = planStage(rng, { ageDays: (o.now - createdAt) / DAY, forced: this.forcedStage(index) });
    const pay = planPayment(rng, plan, customer, createdAt);
    // A payment the storefront submitted (PayPal, Amazon Pay, an e-check) settles when the provider's notification
    // names its reference, which must therefore name this order alone, across seed runs too.
    const submitted = pay.status === 'unprocessed' && ASYNCHRONOUS_METHODS.has(pay.method) && JSON.parse(pay.json).reference !== null;
    if (submitted) pay.json = JSON.stringify({ card: null, reference: submittedReference(sequence) });
    const items = this.items(plan, customer, pay.status === 'skipped');

    const currency = customer.country.currency;
    const hasShippable = items.some((i) => i.shippable === 1);
    const shippingCost = hasShippable && pay.status !== 'skipped' ? this.shippingCost(currency, items) : 0;
    const shippingTax = customer.country.code === 'US' ? 0 : roundHalfEven(shippingCost * taxRateFor(customer));
    const summary = computeSummary(items.map((i) => ({ quantity: i.quantity, unitPrice: i.unit_price, discount: i.discount, tax: i.tax })), shippingCost, shippingTax);

    const billing = customer.billing;
    const gift = hasShippable && rng.chance(0.12);
    const shipping = gift ? demoAddress(rng, customer.country, false) : billing;
    const tags = this.tags(customer, gift, pay.status === 'skipped');
    const customFields: Record<string, string> = {};
    if (pay.method === 'purchase_order') customFields.custom1 = `PO-${100000 + rng.int(900000)}`;
    if (pay.channel === 'web' && rng.chance(0.15)) customFields.custom2 = rng.pick(REFERRALS);
    if (gift) customFields.custom3 = 'gift wrap';

    const route = routeNewOrder({
      paymentMethod: pay.method, paymentStatus: pay.status, fraudHold: plan.fraudHold,
      hasPreorderItems: items.some((i) => i.preorder === 1), hasShippable,
      // Demo payments are as a storefront reports them: an asynchronous one carries its provider's reference.
      paymentIntake: submitted ? 'submitted' : 'none',
    });
    const history: GeneratedHistory[] = [{ at: createdAt, kind: 'created', from: null, to: route.stage, reason: route.reason }];
    let stage = route.stage;
    let holdFrom: Stage | null = null;
    let shippedAt: number | null = null;
    let at = createdAt;
    const paidTotal = pay.status === 'processed' ? summary.total : 0;
    for (const move of plan.moves) {
      if (move.to === 'completed_order' && !hasShippable && stage === 'completed_order') continue; // digital: completed on entry
      const check = checkStageMove(stage, move.to, {
        paymentStatus: pay.status, paymentMethod: pay.method, total: summary.total, paid: paidTotal, hasShippable, fraudHold: plan.fraudHold, holdFromStage: holdFrom,
      });
      if (!check.ok) throw new Error(`demo plan ${stage} → ${move.to} refused: ${check.reason}`);
      at = Math.min(at + move.afterMs, at + Math.floor((o.now - at) * 0.5));
      history.push({ at, kind: 'stage', from: stage, to: move.to, reason: move.reason });
      holdFrom = move.to === 'hold' ? stage : null;
      if (move.to === 'completed_order' && stage === 'shipping_department') {
        shippedAt = at;
        for (const item of items) if (item.shippable === 1) item.quantity_shipped = item.quantity;
      }
      stage = move.to;
    }

    const orderNumber = formatOrderNumber(o.orderNumberPrefix, sequence);
    const row: GeneratedOrder['row'] = {
      order_number: orderNumber, channel: pay.channel, is_test: 0, created_at: createdAt, updated_at: at,
      currency, subtotal: summary.subtotal, discount_total: summary.discount, shipping_total: summary.shipping,
      tax_total: summary.tax, total: summary.total, refunded_total: 0, customer_email: customer.email,
      paid_total: paidTotal, authorized_total: pay.status === 'authorized' ? summary.total : 0, refund_blocked: 0,
      customer_name: `${billing.firstName} ${billing.lastName}`.trim(), customer_ip: pay.channel === 'web' ? `203.0.113.${1 + rng.int(254)}` : null,
      billing_json: customer.billingJson, shipping_json: gift ? JSON.stringify(shipping) : customer.billingJson,
      payment_method: pay.method, payment_status: pay.status, payment_json: pay.json,
      paid_at: pay.status === 'processed' ? createdAt : null, shipped_at: shippedAt,
      fraud_score: null, fraud_reasons_json: null, fraud_hold: plan.fraudHold ? 1 : 0,
      has_shippable: hasShippable ? 1 : 0, has_preorder: items.some((i) => i.preorder === 1) ? 1 : 0,
      stage, stage_entered_at: at, hold_from_stage: holdFrom,
      tags_json: JSON.stringify(tags), custom_fields_json: JSON.stringify(customFields), version: history.length,
    };
    const terms = termsForOrder({
      orderNumber, email: customer.email, addresses: gift ? [billing, shipping] : [billing], skus: items.map((i) => i.sku), tags, customFields,
    });
    return { row, customer, items, history, terms, ledger: seedLedgerEntry(row, submitted, o.gateway ?? 'sandbox') };
  }

  /** Repeat buyers are skewed to low numbers, so a bounded cache saves most rebuilds. */
  private customer(k: number): DemoCustomer {
    let c = this.customers.get(k);
    if (!c) {
      if (this.customers.size >= 50_000) this.customers.clear();
      this.customers.set(k, (c = demoCustomer(this.o.pools, this.o.seed, k)));
    }
    return c;
  }

  /** Spreads one order of each stage through the run, so even a small demo set fills every queue. */
  private forcedStage(index: number): Stage | undefined {
    // The newest orders of a run cover every stage, so even a small seed fills each queue with current work.
    const n = this.o.count;
    if (n < STAGES.length) return undefined;
    return STAGES[n - 1 - index];
  }


  private items(plan: StagePlan, customer: DemoCustomer, free: boolean): ResolvedItem[] {
    const { rng, o } = this;
    const { pools } = o;
    const count = plan.digitalOnly ? 1 + rng.int(2) : Number(rng.weighted(LINE_COUNTS));
    const rate = taxRateFor(customer);
    const currency = customer.country.currency;
    const out: ResolvedItem[] = [];
    for (let line = 1; line <= count; line++) {
      // The first line follows the plan (so "ships" or "pre-order" holds); later lines add variety.
      const source = plan.digitalOnly || (line > 1 && rng.chance(0.04)) ? pools.digitalSkus : plan.preorder && line === 1 ? pools.preorderSkus : pools.regularSkus;
      const entry = pools.catalog[rng.pick(source)]!;
      const quantity = customer.isBusiness ? rng.between(2, 40) : rng.chance(0.78) ? 1 : rng.between(2, 5);
      const unitPrice = free ? 0 : priceIn(currency, entry.priceUsd);
      const discount = !free && rng.chance(0.12) ? roundHalfEven(quantity * unitPrice * rng.pick([0.1, 0.15, 0.2])) : 0;
      out.push({
        line_no: line, sku: entry.sku, description: entry.description, quantity, unit_price: unitPrice, discount,
        tax: roundHalfEven((quantity * unitPrice - discount) * rate), shippable: entry.shippable ? 1 : 0,
        preorder: entry.preorder ? 1 : 0, expected_date: entry.preorder ? entry.expectedDate : null, quantity_shipped: 0, quantity_refunded: 0,
      });
    }
    return out;
  }

  private shippingCost(currency: keyof typeof SHIPPING, items: ResolvedItem[]): number {
    const value = items.reduce((sum, i) => sum + i.quantity * i.unit_price, 0);
    if (currency === 'USD' && value >= 7500 && this.rng.chance(0.8)) return 0; // free shipping over $75
    return this.rng.chance(0.15) ? SHIPPING[currency] * 2 : SHIPPING[currency];
  }

  private tags(customer: DemoCustomer, gift: boolean, replacement: boolean): string[] {
    const { rng } = this;
    const tags: string[] = [];
    if (customer.isBusiness) tags.push('wholesale');
    if (gift) tags.push('gift');
    if (replacement) tags.push('replacement');
    if (rng.chance(0.25)) tags.push(rng.pick(TAGS));
    if (rng.chance(0.05)) tags.push(rng.pick(TAGS));
    return [...new Set(tags)];
  }
}

export interface SeedLedgerEntry {
  kind: 'sale' | 'authorize';
  status: 'approved' | 'pending';
  amount: number;
  key: string;
  gateway: string;
  reference: string | null;
  reason: string;
  resolvedAt: number | null;
}

/**
 * The ledger row a seeded order's payment stands for, as intake records what a storefront reports
 * (payments/charge/intake-payment.ts): money it already took (or holds), so the order's paid and authorized
 * totals are derived from the ledger like any other order's; or a payment it submitted, pending under the
 * gateway's name with the provider's reference, so the notification that clears or bounces it finds the
 * order and moves it out of Pending Clearance.
 */
function seedLedgerEntry(row: GeneratedOrder['row'], submitted: boolean, gateway: string): SeedLedgerEntry | undefined {
  const common = { amount: row.total, key: `seed:${row.order_number}` };
  if (submitted) {
    const { reference } = JSON.parse(row.payment_json) as { reference: string };
    return { ...common, kind: 'sale', status: 'pending', gateway, reference, reason: 'submitted at the storefront', resolvedAt: null };
  }
  const status = row.payment_status;
  if (status !== 'processed' && status !== 'authorized') return undefined;
  return {
    ...common, kind: status === 'processed' ? 'sale' : 'authorize', status: 'approved', gateway: 'external', reference: null,
    reason: 'paid at the storefront', resolvedAt: row.created_at,
  };
}

/**
 * The provider's reference of a payment submitted at the storefront, from the order's sequence number: unique
 * (multiplying by an odd constant is a bijection on 32 bits), so one notification never names two orders.
 */
export function submittedReference(sequence: number): string {
  return `PAY-${(Math.imul(sequence, 2654435761) >>> 0).toString(36).toUpperCase().padStart(7, '0')}`;
}
