// Addresses of the test cluster's data-plane programs (Kafka brokers, OpenSearch nodes): each its own loopback
// address, so each listens on the ports its pod declares, as the real pod would.
import { randomInt } from 'node:crypto';
import { createConnection } from 'node:net';

/** A loopback address of its own (127.100-199.x.y), with nothing listening on these ports yet. */
export async function freeLoopbackAddress(ports: number[]): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const a = `127.${randomInt(100, 200)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
    const taken = await Promise.all(ports.map((port) => new Promise<boolean>((resolve) => {
      const s = createConnection({ host: a, port });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    })));
    if (!taken.some(Boolean)) return a;
  }
  throw new Error(`no free loopback address for ports ${ports.join(', ')}`);
}
