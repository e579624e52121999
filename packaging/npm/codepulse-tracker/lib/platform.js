// Where the native codepulse-tracker of this machine is: the platform package
// for process.platform and process.arch (an optional dependency), or the file
// CODEPULSE_TRACKER_BINARY names.
'use strict';

const fs = require('fs');
const path = require('path');

// Node's platform-arch of each native build, and the package that holds it.
const PLATFORM_PACKAGES = {
  'linux-x64': '@codepulse/tracker-linux-x64',
  'linux-arm64': '@codepulse/tracker-linux-arm64',
  'darwin-x64': '@codepulse/tracker-darwin-x64',
  'darwin-arm64': '@codepulse/tracker-darwin-arm64',
};

const OWN_VERSION = require('../package.json').version;

function platformKey() {
  return `${process.platform}-${process.arch}`;
}

// A platform package's binary; null when the package is not installed.
function resolveInPackage(name) {
  try {
    return require.resolve(`${name}/bin/codepulse-tracker`);
  } catch (err) {
    if (err && err.code === 'MODULE_NOT_FOUND') return null;
    throw err;
  }
}

function packageVersion(binary) {
  try {
    const manifest = path.join(path.dirname(binary), '..', 'package.json');
    return JSON.parse(fs.readFileSync(manifest, 'utf8')).version;
  } catch (err) {
    return undefined;
  }
}

// The path of the native binary to run. Throws an Error whose message says
// what is missing and what to do.
function binaryPath() {
  const override = process.env.CODEPULSE_TRACKER_BINARY;
  if (override) {
    try {
      fs.accessSync(override, fs.constants.X_OK);
    } catch (err) {
      throw new Error(
        `codepulse-tracker: CODEPULSE_TRACKER_BINARY=${override} is not an executable file (${err.code})`);
    }
    return override;
  }
  const key = platformKey();
  const name = PLATFORM_PACKAGES[key];
  if (!name) {
    throw new Error(
      `codepulse-tracker: there is no native build for ${key} (builds: ${Object.keys(PLATFORM_PACKAGES).join(', ')}). ` +
      'Build codepulse-tracker from source and set CODEPULSE_TRACKER_BINARY to its path.');
  }
  const binary = resolveInPackage(name);
  if (!binary) {
    throw new Error(
      `codepulse-tracker: the package ${name}, which holds the native binary for ${key}, is not installed. ` +
      'It is an optional dependency of codepulse-tracker: reinstall without --omit=optional or --no-optional ' +
      `(npm install -g codepulse-tracker@${OWN_VERSION}), ` +
      'or set CODEPULSE_TRACKER_BINARY to the path of a codepulse-tracker binary.');
  }
  const version = packageVersion(binary);
  if (version !== OWN_VERSION) {
    process.stderr.write(
      `codepulse-tracker: warning: ${name} is version ${version}, this launcher ${OWN_VERSION}; ` +
      `reinstall codepulse-tracker@${OWN_VERSION} to match them\n`);
  }
  return binary;
}

module.exports = { PLATFORM_PACKAGES, platformKey, binaryPath };
