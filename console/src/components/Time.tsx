/**
 * A moment as the console shows it everywhere: in the user's own time zone (the browser's), with
 * the UTC time, as ISO 8601, on hover (`title`) and machine-readable (`dateTime`).
 */
import { dateTime } from '../format.ts';

/** `2026-11-27T09:05:00Z (UTC)`; the text itself when it is not a time. */
export function utcTitle(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().replace('.000Z', 'Z')} (UTC)`;
}

export function Time({ value }: { value: string }) {
  return (
    <time dateTime={value} title={utcTitle(value)}>
      {dateTime(value)}
    </time>
  );
}
