import http from 'node:http';

export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function percentiles(samplesMs: number[]): Percentiles {
  const s = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? 0;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { n: s.length, p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(s.at(-1) ?? 0) };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One GET over a kept-alive connection; resolves with status, body and elapsed milliseconds. */
export function timedGet(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = http.request({ host: '127.0.0.1', port, path, method: 'GET', headers, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: Number(process.hrtime.bigint() - start) / 1e6 }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Sequential requests (one client, so the figure is latency, not queueing), after a warm-up.
 * Every path is different, drawn from real data, so no single cached row flatters the result.
 */
export async function measureGets(port: number, paths: string[], headers: Record<string, string>, warmup = 20): Promise<Percentiles> {
  for (const p of paths.slice(0, warmup)) await timedGet(port, p, headers);
  const samples: number[] = [];
  for (const p of paths) {
    const r = await timedGet(port, p, headers);
    if (r.status !== 200) throw new Error(`GET ${p} → ${r.status}: ${r.body.slice(0, 300)}`);
    samples.push(r.ms);
  }
  return percentiles(samples);
}

/** Times a synchronous or asynchronous function over many inputs: the raw-database baseline. */
export async function measureCalls<T>(inputs: T[], fn: (input: T) => unknown | Promise<unknown>, warmup = 20): Promise<Percentiles> {
  for (const i of inputs.slice(0, warmup)) await fn(i);
  const samples: number[] = [];
  for (const i of inputs) {
    const start = process.hrtime.bigint();
    await fn(i);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return percentiles(samples);
}
