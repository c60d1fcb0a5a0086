/** The QSP fuzzer inside lvxs: scriptArgs = cases steps seed mutateProb [onlyCase]; prints `FUZZ {json}`. */
import { runFuzz } from './qsp-fuzz.ts';

const [cases, steps, seed, mutateProb, onlyCase] = scriptArgs.map(Number);
const report = runFuzz({ cases: cases!, steps: steps!, seed: seed!, mutateProb: mutateProb!, ...(onlyCase !== undefined && !Number.isNaN(onlyCase) ? { onlyCase } : {}) });
print(`FUZZ ${JSON.stringify(report)}`);
