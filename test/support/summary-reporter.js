/**
 * Prints one plain closing line that any CI can read ("Tests: N passed, N failed, N skipped"),
 * and names skipped suites so a run without Redis or PostgreSQL says clearly what it left out.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skippedFiles = results.testResults
      .filter((file) => file.numPendingTests > 0 && file.numPassingTests === 0 && file.numFailingTests === 0)
      .map((file) => file.testFilePath.replace(`${process.cwd()}/`, ''));
    if (skippedFiles.length > 0) {
      process.stderr.write(
        `\nSkipped suites (backend not reachable):\n${skippedFiles.map((f) => `  - ${f}`).join('\n')}\n`,
      );
    }
    const line = `\nTests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped\n`;
    // Jest prints its own summary after custom reporters; writing at exit keeps this line last.
    process.once('exit', () => process.stderr.write(line));
  }
}
module.exports = SummaryReporter;
