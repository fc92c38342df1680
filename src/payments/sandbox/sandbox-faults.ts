/**
 * Fault injection. Configured faults apply to every request at the given rate; the `Sandbox-Fault`
 * request header forces one for a test, e.g. `timeout;times=1` or `5xx;times=2, latency=300`.
 * `times=N` limits a fault to the first N attempts carrying the same idempotency key, so a client that
 * retries (resending the same headers, as it must) eventually gets through.
 */
export interface SandboxFaults {
  /** Added before every API answer, in ms. */
  latencyMs?: number;
  /** 0..1: the request is processed, then never answered (the answer is "lost"). */
  timeoutRate?: number;
  /** 0..1: answered 503 without being processed (the gateway is down). */
  errorRate?: number;
  duplicateNotifications?: boolean;
  outOfOrderNotifications?: boolean;
}

export interface RequestFaults {
  latencyMs: number;
  timeout: boolean;
  error: boolean;
}

export const FAULT_HEADER = 'sandbox-fault';

interface HeaderFault {
  name: 'timeout' | '5xx' | 'latency';
  value: number;
  times: number | undefined;
}

export function parseFaultHeader(header: string | undefined): HeaderFault[] {
  if (!header) return [];
  const faults: HeaderFault[] = [];
  for (const item of header.split(',')) {
    const [head, ...params] = item.trim().split(';');
    const [name, raw] = (head ?? '').split('=');
    if (name !== 'timeout' && name !== '5xx' && name !== 'latency') continue;
    const timesParam = params.map((p) => p.trim().split('=')).find(([k]) => k === 'times');
    const times = timesParam ? Number(timesParam[1]) : undefined;
    faults.push({ name, value: Number(raw ?? 0) || 0, times: Number.isInteger(times) ? times : undefined });
  }
  return faults;
}

/** Decides the faults of one attempt; counts attempts per idempotency key for `times=N`. */
export function createFaultDecider(current: () => SandboxFaults, random: () => number = Math.random) {
  const attempts = new Map<string, number>();
  return (header: string | undefined, idempotencyKey: string | undefined): RequestFaults => {
    const configured = current();
    const decided: RequestFaults = {
      latencyMs: configured.latencyMs ?? 0,
      timeout: random() < (configured.timeoutRate ?? 0),
      error: random() < (configured.errorRate ?? 0),
    };
    const forced = parseFaultHeader(header);
    if (forced.length === 0) return decided;
    const counter = `${idempotencyKey ?? ''}|${header}`;
    const attempt = (attempts.get(counter) ?? 0) + 1;
    attempts.set(counter, attempt);
    for (const fault of forced) {
      if (fault.times !== undefined && attempt > fault.times) continue;
      if (fault.name === 'latency') decided.latencyMs = Math.max(decided.latencyMs, Math.min(fault.value, 120_000));
      if (fault.name === 'timeout') decided.timeout = true;
      if (fault.name === '5xx') decided.error = true;
    }
    return decided;
  };
}
