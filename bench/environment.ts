/**
 * Imported first by the benchmarks: quiet Powertools before any module creates its logger,
 * tracer or metrics (ES modules evaluate their imports in order).
 *
 * `npm run bench -- cost` counts what the functions would log in AWS, so it runs them at the
 * stack's level (the stack sets no POWERTOOLS_LOG_LEVEL: Powertools' default, INFO) with metrics
 * on (EMF lines are log ingestion too); the recorder keeps those lines off the terminal.
 */
const cost = process.argv.slice(2).includes('cost');
process.env.POWERTOOLS_LOG_LEVEL ??= cost ? 'INFO' : 'ERROR';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
process.env.POWERTOOLS_METRICS_DISABLED ??= cost ? 'false' : 'true';
