/**
 * Steady load: declarations submitted on a fixed schedule (open loop: the next one leaves on time
 * whether or not the last was answered, as independent traders do), then each followed to its
 * release decision. Reports the rate achieved and, for the declarations released without review
 * (the green lane), submit-to-RELEASED from the server's own history timestamps. Those sent to an
 * officer (random selection or a profile) are counted, not timed: an officer decides them.
 */

export interface SteadyLoadResult {
  targetPerSecond: number;
  seconds: number;
  submitted: number;
  achievedPerSecond: number;
  /** Submissions not answered 202 (each counted, none retried). */
  refused: number;
  released: number;
  toReview: number;
  submitToReleased: { p50Ms: number; p99Ms: number; maxMs: number };
  submitLatency: { p50Ms: number; p99Ms: number };
}

interface Options {
  rate: number;
  seconds: number;
  /** Submits one declaration; its id when accepted (202), undefined otherwise. */
  submit: () => Promise<{ ms: number; id: string | undefined }>;
  /** The declaration's history, oldest first. */
  events: (id: string) => Promise<{ version: number; type: string; at: string }[]>;
  log: (line: string) => void;
}

const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round = (value: number): number => Math.round(value * 100) / 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function steadyLoad(options: Options): Promise<SteadyLoadResult> {
  const total = Math.round(options.rate * options.seconds);
  const intervalMs = 1000 / options.rate;
  const started = performance.now();
  const submissions: Promise<{ ms: number; id: string | undefined }>[] = [];
  for (let index = 0; index < total; index += 1) {
    // Each departure is scheduled from the start, so a slow answer never delays the next one.
    const due = started + index * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    submissions.push(options.submit());
    if (index > 0 && index % (options.rate * 10) === 0) options.log(`${index} of ${total} submitted`);
  }
  // The schedule kept: the last departure's time plus one interval (answers still on their way do not count).
  const sentSeconds = (performance.now() - started + intervalMs) / 1000;
  const answered = await Promise.all(submissions);
  const ids = answered.flatMap((answer) => (answer.id ? [answer.id] : []));
  options.log(`${ids.length} of ${total} accepted, sent over ${round(sentSeconds)} s; following each to its release decision...`);

  const toReleased: number[] = [];
  let toReview = 0;
  for (const id of ids) {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const events = await options.events(id);
      const submittedAt = events.find((event) => event.version === 1)?.at;
      const released = events.find((event) => event.type === 'RELEASED');
      if (submittedAt && released) {
        toReleased.push(Date.parse(released.at) - Date.parse(submittedAt));
        break;
      }
      if (events.some((event) => event.type === 'UNDER_REVIEW' || event.type === 'REJECTED')) {
        toReview += 1;
        break;
      }
      if (Date.now() > deadline) throw new Error(`declaration ${id} reached no release decision within 120 s`);
      await sleep(100);
    }
  }
  toReleased.sort((a, b) => a - b);
  const latencies = answered.map((answer) => answer.ms).sort((a, b) => a - b);
  return {
    targetPerSecond: options.rate,
    seconds: options.seconds,
    submitted: total,
    achievedPerSecond: round(total / sentSeconds),
    refused: total - ids.length,
    released: toReleased.length,
    toReview,
    submitToReleased: {
      p50Ms: round(percentile(toReleased, 50)),
      p99Ms: round(percentile(toReleased, 99)),
      maxMs: round(toReleased.at(-1) ?? Number.NaN),
    },
    submitLatency: { p50Ms: round(percentile(latencies, 50)), p99Ms: round(percentile(latencies, 99)) },
  };
}
