/**
 * Imported first by main.tsx, before any schema of #shared exists: zod compiles fast parsers with
 * `new Function` unless told otherwise, and the console's Content-Security-Policy forbids eval
 * (zod would fall back, but the browser reports every attempt as a CSP violation).
 */
import * as z from 'zod';

z.config({ jitless: true });
