// Mocha reporter for scripts/test-all.sh: mocha's usual spec output, plus the run's counts written
// as JSON to $LENS_TALLY_FILE so the totals do not depend on scraping human-readable text.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- mocha loads reporters as CommonJS */
const fs = require('node:fs');
const Mocha = require('mocha');

class TallyReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const file = process.env.LENS_TALLY_FILE;
      if (!file) return;
      const { passes, failures, pending } = this.stats;
      fs.writeFileSync(file, JSON.stringify({ passed: passes, failed: failures, skipped: pending }));
    });
  }
}

module.exports = TallyReporter;
