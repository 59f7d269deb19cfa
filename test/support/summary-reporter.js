// Prints one plain closing line that any CI can read: "tests: N passed, N failed, N skipped".
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failedSuites = results.numRuntimeErrorTestSuites + (results.wasInterrupted ? 1 : 0);
    const failed = results.numFailedTests + failedSuites;
    process.stderr.write(`tests: ${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests + results.numTodoTests} skipped\n`);
  }
}
module.exports = SummaryReporter;
