/** An HTTPS client with a SAE certificate for the API tests and the load bench (loopback only). */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';

export interface Reply {
  readonly status: number;
  readonly body: string;
  readonly json: any;
}

export function saeAgent(tlsDir: string, sae: string | undefined, maxSockets = 64): Agent {
  return new Agent({
    keepAlive: true, maxSockets, ca: readFileSync(`${tlsDir}/ca.pem`, 'utf8'),
    ...(sae ? { cert: readFileSync(`${tlsDir}/${sae}.pem`, 'utf8'), key: readFileSync(`${tlsDir}/${sae}.key`, 'utf8') } : {}),
  });
}

export function call(agent: Agent, port: number, method: string, path: string, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = request({ host: '127.0.0.1', servername: 'localhost', port, method, path, agent, headers: data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {} }, (res) => {
      const chunks: Uint8Array[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: any;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, body: text, json });
      });
    });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}
