// A node:test reporter that ends the run with the plain line `N passed, N failed, N skipped`.
// Suites are not counted, only the tests inside them; a failing file with no tests counts once.
export default async function* summaryReporter(source) {
  let passed = 0
  let failed = 0
  let skipped = 0
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue
    const data = event.data
    if (data.details?.type === 'suite') {
      // A suite that failed outside its tests (a hook, a load error) must still fail the run.
      if (event.type === 'test:fail' && data.details?.error?.failureType !== 'subtestsFailed') failed++
      continue
    }
    if (data.skip || data.todo) skipped++
    else if (event.type === 'test:pass') passed++
    else failed++
  }
  yield `\n${passed} passed, ${failed} failed, ${skipped} skipped\n`
}
