/**
 * The benchmark results file: bench/results/latest.json and a dated copy. Each suite (`npm run
 * bench`, `-- coldstart`, `-- cost`) writes its own part and keeps the others' as they were.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const folder = new URL('./results/', import.meta.url);

export function writeResults(part: Record<string, unknown>): void {
  mkdirSync(folder, { recursive: true });
  const latest = new URL('latest.json', folder);
  const existing = existsSync(latest) ? (JSON.parse(readFileSync(latest, 'utf8')) as Record<string, unknown>) : {};
  const text = `${JSON.stringify({ ...existing, ...part }, null, 2)}\n`;
  writeFileSync(latest, text);
  writeFileSync(new URL(`${new Date().toISOString().slice(0, 10)}.json`, folder), text);
  console.log('results written to bench/results/latest.json');
}
