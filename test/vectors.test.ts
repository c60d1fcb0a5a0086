import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadVectorFiles } from './vectors/load.ts';
import { vectorSuites } from './vectors/suites.ts';
import { VECTOR_INPUTS } from './vectors/inputs.ts';
import '../hal/node/use-native-kernels.ts';

const files = loadVectorFiles();

test('every suite has a golden file and every golden file a suite', () => {
  assert.equal(files.map((f) => f.suite).sort(), Object.keys(VECTOR_INPUTS).sort());
  for (const f of files) assert.ok(vectorSuites[f.suite], `no suite function for ${f.suite}`);
});

for (const file of files)
  for (const c of file.cases)
    test(`node: ${file.suite} / ${c.name}`, () => {
      assert.equal(vectorSuites[file.suite]!(c.input), c.output);
    });

test.run();
