/**
 * Imported first by the benchmarks: quiet Powertools before any module creates its logger,
 * tracer or metrics (ES modules evaluate their imports in order).
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
