import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedNotification {
  signature: string | undefined;
  body: string;
  json: Record<string, unknown>;
}

/** A stand-in for a merchant's webhook endpoint: records what arrives; `status` decides the answer. */
export async function startNotificationReceiver(answer: () => number = () => 200) {
  const received: ReceivedNotification[] = [];
  let waiters: { count: number; resolve: () => void }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const status = answer();
      if (status < 300) {
        received.push({ signature: req.headers['sandbox-signature'] as string | undefined, body, json: JSON.parse(body) as Record<string, unknown> });
        waiters = waiters.filter((w) => (received.length >= w.count ? (w.resolve(), false) : true));
      }
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    /** Resolves once `count` notifications have been accepted. */
    waitFor: (count: number) => (received.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve }))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
