import { signNotification, SIGNATURE_HEADER } from '../gateway/signature.js';

/** What the sandbox POSTs to the merchant, signed. */
export interface NotificationPayload {
  id: string;
  type: 'cleared' | 'failed' | 'chargeback';
  transaction: string;
  amount: number;
  currency: string;
  reason?: string;
  occurredAt: string;
}

export interface NotifierFaults {
  /** Deliver every notification twice (same event id), as gateways do after a lost acknowledgement. */
  duplicateNotifications?: boolean;
  /** Hold notifications for a moment and deliver the held ones newest first. */
  outOfOrderNotifications?: boolean;
}

export interface NotifierOptions {
  webhookUrl: string | undefined;
  secret: string;
  faults: () => NotifierFaults;
  /** How long out-of-order delivery holds notifications to reorder them. */
  holdMs?: number;
  maxAttempts?: number;
  retryBaseMs?: number;
  onDelivery?: (info: { id: string; attempt: number; status: number | 'error' }) => void;
}

/**
 * Why `value` cannot be where notifications go, or undefined if it can. Checked at start: fetch()
 * would refuse such an address only at the first notification, minutes into a test run.
 */
export function webhookUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL; give an absolute http:// or https:// URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be an http:// or https:// URL, not ${url.protocol}`;
  // fetch() refuses a URL with credentials; notifications are authenticated by their signature instead.
  if (url.username || url.password) return 'must not hold a user name or password: notifications are signed instead';
  return undefined;
}

/**
 * Delivers notifications like a real gateway: signed, retried with backoff until the receiver answers
 * 2xx (a receiver that is down, e.g. Orderdeck restarting, gets the event later), and — on request —
 * duplicated or reordered, because receivers must cope with both.
 */
export function createNotifier(options: NotifierOptions) {
  const maxAttempts = options.maxAttempts ?? 10;
  const retryBaseMs = options.retryBaseMs ?? 250;
  const timers = new Set<NodeJS.Timeout>();
  let held: NotificationPayload[] = [];
  let closed = false;
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  const wake = () => {
    const woken = waiters;
    waiters = [];
    for (const resolve of woken) resolve();
  };

  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  async function deliverOnce(payload: NotificationPayload, attempt: number): Promise<boolean> {
    if (!options.webhookUrl) return true;
    const body = JSON.stringify(payload);
    try {
      const response = await fetch(options.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signNotification(options.secret, body) },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      options.onDelivery?.({ id: payload.id, attempt, status: response.status });
      return response.ok;
    } catch {
      options.onDelivery?.({ id: payload.id, attempt, status: 'error' });
      return false;
    }
  }

  async function deliver(payload: NotificationPayload, attempt = 1): Promise<void> {
    if (closed) return;
    inFlight++;
    try {
      if (await deliverOnce(payload, attempt)) return;
      if (attempt < maxAttempts && !closed) {
        inFlight++; // the scheduled retry keeps the notifier busy until it has run
        later(Math.min(30_000, retryBaseMs * 2 ** (attempt - 1)), () => void deliver(payload, attempt + 1).finally(settle));
      }
    } finally {
      settle();
    }
  }

  function settle() {
    inFlight--;
    if (inFlight === 0 && held.length === 0) wake();
  }

  async function dispatch(payload: NotificationPayload) {
    await deliver(payload);
    if (options.faults().duplicateNotifications) await deliver(payload);
  }

  function flushHeld() {
    const batch = held.reverse();
    held = [];
    inFlight++;
    void (async () => {
      for (const payload of batch) await dispatch(payload);
    })().finally(settle);
  }

  return {
    send(payload: NotificationPayload) {
      if (closed) return;
      if (options.faults().outOfOrderNotifications) {
        if (held.length === 0) later(options.holdMs ?? 200, flushHeld);
        held.push(payload);
        return;
      }
      inFlight++;
      void dispatch(payload).finally(settle);
    },
    /** Resolves once nothing is being delivered, held or waiting for a retry (tests use it). */
    async idle(): Promise<void> {
      if (inFlight === 0 && held.length === 0) return;
      await new Promise<void>((resolve) => waiters.push(resolve));
    },
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      held = [];
      wake();
    },
  };
}

export type Notifier = ReturnType<typeof createNotifier>;
