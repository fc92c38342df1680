import net from 'node:net';

/**
 * A run of `count` consecutive free ports for a child process to listen on.
 * Chosen below Linux's ephemeral range (32768+), where the kernel never hands a port to an outgoing
 * connection, and each one bound briefly first, so another test file's server already on it is skipped.
 * (A random port in 20000–40000 once landed on an outgoing connection's port: EADDRINUSE in CI.)
 */
export async function freePorts(count = 1): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = 10_000 + Math.floor(Math.random() * (32_000 - 10_000 - count));
    let free = true;
    for (let port = first; port < first + count && free; port++) free = await canListen(port);
    if (free) return first;
  }
  throw new Error(`no run of ${count} free ports found below 32000`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
