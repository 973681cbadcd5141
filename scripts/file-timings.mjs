// A node:test reporter for scripts/test.mjs: adds up the wall time of each test file's top-level tests and
// suites (printed after the run, slowest first) and counts passed, failed and skipped tests as node's summary
// does (suites not counted), so the run can end on one plain closing line. It writes one JSON object.
export default async function* fileTimings(source) {
  const perFile = {};
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { data } = event;
    if (data.nesting === 0 && data.file)
      perFile[data.file] = (perFile[data.file] ?? 0) + (data.details?.duration_ms ?? 0);
    if (data.details?.type === 'suite') continue;
    if (data.skip || data.todo) counts.skipped++;
    else if (event.type === 'test:pass') counts.passed++;
    else counts.failed++;
  }
  yield JSON.stringify({ perFile, counts });
}
