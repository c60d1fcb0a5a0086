/**
 * What the suites produced, for the key scanner (test/scanner-keys.test.ts): every key issued
 * (learned the way its consumer learns it) and every artefact — response bodies with the fields
 * whose job is to carry a key to its consumer removed (ETSI `key`, `wireguard_psk`), log lines,
 * evidence records, reports, metrics, database files. uvu runs the suites in one process, so this
 * module is shared by all of them.
 */
const g = globalThis as any;
g.__lvScan ??= { keys: [] as Uint8Array[], artefacts: [] as Array<{ what: string; bytes: Uint8Array }> };
const state: { keys: Uint8Array[]; artefacts: Array<{ what: string; bytes: Uint8Array }> } = g.__lvScan;

export function issuedKey(key: Uint8Array): void {
  state.keys.push(key.slice());
}

export function artefact(what: string, content: string | Uint8Array): void {
  state.artefacts.push({ what, bytes: typeof content === 'string' ? new TextEncoder().encode(content) : content.slice() });
}

/** A response body as the scanner must see it: the designated key-delivery fields removed. */
export function responseBody(what: string, body: string): void {
  let text = body;
  try {
    const j = JSON.parse(body);
    const strip = (v: any): any => {
      if (Array.isArray(v)) return v.map(strip);
      if (v && typeof v === 'object') {
        const o: any = {};
        for (const [k, x] of Object.entries(v)) if (k !== 'key' && k !== 'wireguard_psk') o[k] = strip(x);
        return o;
      }
      return v;
    };
    text = JSON.stringify(strip(j));
  } catch {
    // not JSON (metrics text): scanned whole
  }
  artefact(what, text);
}

export function scanState() {
  return state;
}
