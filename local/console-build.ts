/**
 * Builds the customs console (`console/`, Vite + React) into `console/dist` for the local gateway,
 * only when the build is missing or older than its sources, so that `npm start` stays fast.
 *
 * Sources: everything under `console/` but `dist`, the shared code the console imports
 * (`shared/`), and `package-lock.json` (dependency versions). A successful build ends by writing
 * `console/dist/.build-stamp`; a build that failed half-way leaves none and is redone. Vite runs
 * in a child process (its build sets NODE_ENV, which must not leak into the local cloud), into a
 * fresh folder that then replaces `console/dist`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const consoleSourceDir = path.join(repositoryRoot, 'console');
export const consoleDistDir = path.join(consoleSourceDir, 'dist');
const STAMP = '.build-stamp';

export type ConsoleBuildState = { upToDate: true } | { upToDate: false; reason: string };

/** Whether `console/dist` is complete and newer than every source (`root`: the repository, for tests). */
export function consoleBuildState(root = repositoryRoot): ConsoleBuildState {
  const stamp = path.join(root, 'console', 'dist', STAMP);
  if (!existsSync(stamp)) return { upToDate: false, reason: 'console/dist is missing' };
  const builtAt = statSync(stamp).mtimeMs;
  const newest = newestSource(root);
  if (newest && newest.mtimeMs > builtAt) {
    return { upToDate: false, reason: `${path.relative(root, newest.file)} changed since the last build` };
  }
  return { upToDate: true };
}

function newestSource(root: string): { file: string; mtimeMs: number } | undefined {
  let newest: { file: string; mtimeMs: number } | undefined;
  const consider = (file: string): void => {
    const { mtimeMs } = statSync(file);
    if (!newest || mtimeMs > newest.mtimeMs) newest = { file, mtimeMs };
  };
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) consider(full);
    }
  };
  walk(path.join(root, 'console'));
  walk(path.join(root, 'shared'));
  for (const file of ['package-lock.json', 'package.json']) {
    const full = path.join(root, file);
    if (existsSync(full)) consider(full);
  }
  return newest;
}

/** Runs `vite build` for the console; each output line goes to `onOutput`. Rejects with the tail of the output. */
export async function buildConsole(options: { onOutput?: (line: string) => void } = {}): Promise<void> {
  const require = createRequire(import.meta.url);
  const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  const outDir = path.join(consoleSourceDir, `.dist-${process.pid}-${Date.now()}`);
  const tail: string[] = [];
  const shownOutDir = path.relative(repositoryRoot, outDir);
  const onLine = (raw: string): void => {
    // Vite names the temporary folder; the files end up in console/dist.
    const line = raw.replaceAll(shownOutDir, path.relative(repositoryRoot, consoleDistDir));
    tail.push(line);
    if (tail.length > 30) tail.shift();
    options.onOutput?.(line);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [vite, 'build', '--config', path.join(consoleSourceDir, 'vite.config.ts'), '--outDir', outDir, '--emptyOutDir'],
        { cwd: repositoryRoot, env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      for (const stream of [child.stdout, child.stderr]) {
        let buffered = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          buffered += chunk;
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          for (const line of lines) if (line.trim() !== '') onLine(line.replace(/\s+$/, ''));
        });
        stream.on('end', () => {
          if (buffered.trim() !== '') onLine(buffered.trimEnd());
        });
      }
      child.on('error', reject);
      child.on('close', (code, signal) => {
        if (code === 0) resolve();
        else reject(new Error(`vite build ${signal ? `was killed (${signal})` : `exited with ${code}`}:\n${tail.join('\n')}`));
      });
    });
    writeFileSync(path.join(outDir, STAMP), `${new Date().toISOString()}\n`);
    rmSync(consoleDistDir, { recursive: true, force: true });
    try {
      renameSync(outDir, consoleDistDir);
    } catch (error) {
      // Another process (a second npm start, a test run) built it at the same moment: its build is as fresh.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** Builds the console when `console/dist` is missing or stale; says which happened. */
export async function ensureConsoleBuilt(
  options: { onOutput?: (line: string) => void } = {},
): Promise<{ built: false } | { built: true; reason: string; seconds: number }> {
  const state = consoleBuildState();
  if (state.upToDate) return { built: false };
  const started = performance.now();
  await buildConsole(options);
  return { built: true, reason: state.reason, seconds: Math.round((performance.now() - started) / 100) / 10 };
}
