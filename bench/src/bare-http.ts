// The peer of the API rows: node:http answering every request with the same bytes from memory, no
// routing, validation, access check or store. What HTTP alone costs on this machine, as a process of
// its own like `tthc serve`. Usage: node bare-http.js BODY_FILE CONTENT_TYPE; prints the port.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const [file, contentType] = process.argv.slice(2);
if (file === undefined || contentType === undefined) throw new Error('usage: bare-http.js BODY_FILE CONTENT_TYPE');
const body = readFileSync(file);
const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': contentType, 'content-length': body.length });
  response.end(body);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
