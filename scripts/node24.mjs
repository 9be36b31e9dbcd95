#!/usr/bin/env node
/**
 * Runs a command with Node.js 24, whatever `node` the machine has: the npm scripts start here so
 * that `npm ci && npm start` and `npm ci && npm test` work as they are on a machine with an older
 * node. When this node is not 24, Node.js 24 is installed once from the npm registry (the
 * `node-linux-<arch>` package, as `.ci/node24.sh` does) into a cache folder outside the
 * repository, and the command runs with it first on PATH.
 *
 * Plain JavaScript on purpose: it must run on the old node before anything else can.
 * Usage: node scripts/node24.mjs <command> [args...]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { constants, homedir } from 'node:os';
import path from 'node:path';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write('usage: node scripts/node24.mjs <command> [args...]\n');
  process.exit(2);
}

let binDirectory;
if (!process.versions.node.startsWith('24.')) {
  const arch = { x64: 'x64', arm64: 'arm64' }[process.arch];
  if (process.platform !== 'linux' || !arch) {
    process.stderr.write(
      `This project needs Node.js 24 (you have ${process.version} on ${process.platform}/${process.arch}). Install Node.js 24 LTS and run the command again.\n`,
    );
    process.exit(1);
  }
  const home = path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'customs-clearance', 'node24');
  binDirectory = path.join(home, 'node_modules', `node-linux-${arch}`, 'bin');
  const node24 = path.join(binDirectory, 'node');
  const version = existsSync(node24) ? spawnSync(node24, ['--version'], { encoding: 'utf8' }).stdout : '';
  if (!version.startsWith('v24.')) {
    process.stderr.write(`Node.js ${process.version} found; installing Node.js 24 from the npm registry into ${home} (once)...\n`);
    mkdirSync(home, { recursive: true });
    if (!existsSync(path.join(home, 'package.json'))) writeFileSync(path.join(home, 'package.json'), '{"private":true}\n');
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const installed = spawnSync(
      npm,
      ['install', '--prefix', home, '--ignore-scripts', '--no-audit', '--no-fund', `node-linux-${arch}@24`],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    if (installed.status !== 0) {
      process.stderr.write(
        'Could not install Node.js 24 from the npm registry. Install Node.js 24 LTS yourself and run the command again.\n',
      );
      process.exit(1);
    }
  }
}

const env = { ...process.env };
if (binDirectory) env.PATH = `${binDirectory}${path.delimiter}${env.PATH ?? ''}`;
const child = spawn(command, args, { stdio: 'inherit', env });
// Ctrl-C reaches the whole process group, the command too: this wrapper only waits for it to
// finish its own shutdown. A signal sent to this process alone is passed on.
process.on('SIGINT', () => {});
for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => {
  process.stderr.write(`${command}: ${error.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? (constants.signals[signal] ?? 1) : 1)));
