/**
 * Writes test/vectors/<suite>.json from inputs.ts by running the suites on Node. Review the diff.
 * `npx tsx test/vectors/write.ts [prefix...]` writes only the suites whose names start with a prefix.
 */
import { writeFileSync } from 'node:fs';
import { FIXED_OUTPUTS, VECTOR_INPUTS } from './inputs.ts';
import { vectorSuites } from './suites.ts';
import type { VectorFile } from './types.ts';

const prefixes = process.argv.slice(2);
for (const [suite, spec] of Object.entries(VECTOR_INPUTS)) {
  if (prefixes.length && !prefixes.some((p) => suite.startsWith(p))) continue;
  const run = vectorSuites[suite];
  if (!run) throw new Error(`no suite ${suite}`);
  const file: VectorFile = {
    suite,
    description: spec.description,
    cases: spec.cases.map(({ name, input }) => {
      const output = run(input);
      const fixed = FIXED_OUTPUTS[suite]?.[name];
      if (fixed !== undefined && JSON.stringify(fixed) !== JSON.stringify(output))
        throw new Error(`${suite}/${name}: computed ${JSON.stringify(output)}, the published answer is ${JSON.stringify(fixed)}`);
      return { name, input, output };
    }),
  };
  writeFileSync(new URL(`./${suite}.json`, import.meta.url), JSON.stringify(file, null, 1) + '\n');
  console.log(`${suite}: ${file.cases.length} case(s)`);
}
