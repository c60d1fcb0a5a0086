/**
 * CheckpointSigner port on the desktop: ML-DSA-65 (noble, FIPS 204) on a worker thread, so the
 * evidence checkpoint signature (~11 ms on V8) never holds up the event loop that serves keys.
 * The worker gets its own copy of the evidence secret key once, at start, and wipes it on close;
 * messages to sign go in, signatures come back. The context string and hedging match
 * src/evidence/log.ts (signCheckpoint), so the verifier cannot tell where a signature was made.
 */
import { Worker } from 'node:worker_threads';
import type { CheckpointSigner } from '../../src/evidence/log.ts';
import { CHECKPOINT_CONTEXT } from '../../src/evidence/log.ts';
import { checkBytes } from '../../src/_check.ts';

// CommonJS, eval'd: noble is loaded by URL, so this works the same from tsx and from a bundle
const SIGNER = `
const { parentPort, workerData } = require('node:worker_threads');
const { randomFillSync } = require('node:crypto');
const secretKey = workerData.secretKey;
const context = new TextEncoder().encode(workerData.context);
const ready = import(workerData.mlDsa).then((m) => m.ml_dsa65);
parentPort.on('message', async (m) => {
  if (m.kind === 'close') { secretKey.fill(0); parentPort.close(); return; }
  try {
    const ml_dsa65 = await ready;
    const signature = ml_dsa65.sign(m.message, secretKey, { context, extraEntropy: randomFillSync(new Uint8Array(32)) });
    parentPort.postMessage({ id: m.id, signature }, [signature.buffer]);
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) });
  }
});
`;

export function startCheckpointSigner(secretKey: Uint8Array): CheckpointSigner {
  checkBytes('secretKey', secretKey, 4032);
  const copy = secretKey.slice();
  // workerData is cloned into the worker here; our copy is wiped at once
  const worker = new Worker(SIGNER, {
    eval: true,
    workerData: { secretKey: copy, context: CHECKPOINT_CONTEXT, mlDsa: import.meta.resolve('@noble/post-quantum/ml-dsa.js') },
  });
  copy.fill(0);
  worker.unref();
  let nextId = 0;
  const pending = new Map<number, { resolve: (s: Uint8Array) => void; reject: (e: Error) => void }>();
  const failAll = (e: Error) => { for (const p of pending.values()) p.reject(e); pending.clear(); };
  worker.on('message', (m: { id: number; signature?: Uint8Array; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.signature) p.resolve(m.signature);
    else p.reject(new Error(`checkpoint signer: ${m.error}`));
  });
  worker.on('error', (e) => failAll(new Error(`checkpoint signer stopped: ${e.message}`)));
  worker.on('exit', () => failAll(new Error('checkpoint signer stopped')));
  return {
    sign(message: Uint8Array): Promise<Uint8Array> {
      checkBytes('message', message);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.ref(); // a signature in flight keeps the process alive
        worker.postMessage({ kind: 'sign', id, message });
      }).finally(() => { if (!pending.size) worker.unref(); }) as Promise<Uint8Array>;
    },
    close(): void {
      worker.postMessage({ kind: 'close' });
    },
  };
}
