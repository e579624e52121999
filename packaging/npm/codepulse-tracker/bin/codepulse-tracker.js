#!/usr/bin/env node
// The codepulse-tracker command of the npm package: runs this platform's native
// binary with the same arguments and standard streams, passes it SIGINT,
// SIGTERM, SIGHUP and SIGUSR1, and ends as it ended (exit code or signal).
'use strict';

const { spawn } = require('child_process');
const os = require('os');
const { binaryPath } = require('../lib/platform.js');

let binary;
try {
  binary = binaryPath();
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}

const child = spawn(binary, process.argv.slice(2), { stdio: 'inherit' });

// What a service manager or a terminal sends the launcher goes to the tracker
// (`run` stops on SIGINT/SIGTERM, reopens its log on SIGHUP, ships on SIGUSR1);
// the launcher itself ends when the tracker does.
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR1'];
const forward = (signal) => {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
};
for (const signal of FORWARDED) process.on(signal, forward);

child.on('error', (err) => {
  process.stderr.write(`codepulse-tracker: cannot run ${binary}: ${err.message}\n`);
  process.exit(1);
});

child.on('exit', (code, signal) => {
  if (signal === null) process.exit(code);
  // Killed by a signal: end by the same one, so the caller sees it; but Node
  // ignores SIGPIPE and starts its inspector on SIGUSR1: for those, the
  // shell's code for them.
  const number = os.constants.signals[signal] || 0;
  if (signal === 'SIGPIPE' || signal === 'SIGUSR1') process.exit(128 + number);
  for (const s of FORWARDED) process.removeListener(s, forward);
  process.kill(process.pid, signal);
  setTimeout(() => process.exit(128 + number), 1000);
});
