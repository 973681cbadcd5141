// `node --import ./scripts/ink-test-register.mjs`: every `import 'ink'` in the test process resolves to
// dist-test/ink.mjs, Ink with the production bundle's patches (scripts/ink-bounded/test-bundle.mjs; scripts/test.mjs
// builds it and passes this flag after tsx's, so this hook runs first). Without it the tests would draw with the
// unpatched Ink in node_modules; test/ui/patched-ink.test.tsx fails if that happens.
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { INK_TEST_BUNDLE } from './ink-bounded/test-bundle.mjs';

if (!existsSync(INK_TEST_BUNDLE)) {
  throw new Error(`${INK_TEST_BUNDLE} is missing: run the tests with node scripts/test.mjs (it builds the bundle)`);
}
register('./ink-test-hooks.mjs', import.meta.url, { data: { url: pathToFileURL(INK_TEST_BUNDLE).href } });
