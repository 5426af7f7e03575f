import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP forwarder the test can cut and restore, so the service really loses its PostgreSQL or
 * Redis connection without stopping the shared server other test files use.
 */
export async function startProxy(targetUrl: string) {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;

  const up = () => new Promise<void>((resolve, reject) => {
    server = createServer((client) => {
      const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => { client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream).pipe(client);
    });
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      port = (server!.address() as { port: number }).port;
      resolve();
    });
  });

  const down = () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    if (server) server.close(() => resolve());
    else resolve();
    server = undefined;
  });

  await up();
  return {
    /** The same URL with the proxy's host and port. */
    url: (path = `${target.pathname}${target.search}`) =>
      `${target.protocol}//${target.username ? `${target.username}@` : ''}127.0.0.1:${port}${path}`,
    down,
    up,
  };
}
