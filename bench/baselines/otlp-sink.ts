// An OTLP/HTTP receiver that accepts and drops: the collector of the tracing scenario. It reads
// each export to the end (as a collector must) and counts it, nothing more, so the cost measured
// is the service's own: building, batching, serialising and sending its spans.
import { createServer } from 'node:http';

let exports = 0;
let bytes = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET') {
    const body = req.url === '/stats' ? JSON.stringify({ exports, bytes }) : '{"status":"ok"}';
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    return;
  }
  req.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  req.on('end', () => {
    exports += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
