import { defineConfig } from 'vitest/config';

const env = {
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  POWERTOOLS_TRACE_ENABLED: 'false',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

export default defineConfig({
  test: {
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: '.vitest/results.json' }]],
    projects: [
      {
        test: {
          name: 'main',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/chaos/**', 'tests/access/**'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Integration suites each start their own local cloud on random loopback ports.
          pool: 'forks',
          env,
          // Each test file's local cloud records its handlers' AWS calls (least privilege, checked by `access`).
          setupFiles: ['tests/support/record-aws-calls.ts'],
          // First, explicitly: with one worker (a two-core machine) vitest runs projects of the
          // default order 0 in a group of their own after every numbered group, which would run
          // `access` before the calls it checks were recorded.
          sequence: { groupOrder: 1 },
        },
      },
      {
        // Least privilege: checks the AWS calls the handlers made during `main` against their
        // declarations (tests/access/least-privilege.test.ts), so it runs after `main`.
        test: {
          name: 'access',
          include: ['tests/access/**/*.test.ts'],
          environment: 'node',
          sequence: { groupOrder: 2 },
          env,
        },
      },
      {
        // The chaos run starts a whole platform in a child process: alone, after everything else,
        // so that no other suite competes with it for the two cores.
        test: {
          name: 'chaos',
          include: ['tests/chaos/**/*.test.ts'],
          environment: 'node',
          testTimeout: 1_200_000,
          pool: 'forks',
          sequence: { groupOrder: 3 },
          env,
        },
      },
    ],
  },
});
