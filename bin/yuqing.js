#!/usr/bin/env node
'use strict';
// The CLI is compiled to dist/ by `npm install` (the package's `prepare` script).
require('../dist/cli/main.js').main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(String(err && err.stack || err) + '\n'); process.exitCode = 1; },
);
