import { createConnection } from 'node:net';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port) }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.setTimeout(1000, () => { socket.destroy(); resolve(false); });
    socket.on('error', () => resolve(false));
  });
}

/**
 * Whether a suite that needs a real server may run. Under CI=true a missing server is a failure
 * (.ci/run starts them); on a laptop without it the suite is skipped with a message naming it.
 */
export async function serverAvailable(name: 'Redis' | 'PostgreSQL'): Promise<boolean> {
  const url = name === 'Redis' ? REDIS_URL : DATABASE_URL;
  if (await reachable(url)) return true;
  const message = `${name} is not reachable at ${new URL(url).host}`;
  if (process.env.CI === 'true') throw new Error(`${message}: CI needs it (.ci/run starts it)`);
  console.warn(`skipping: ${message}`);
  return false;
}
