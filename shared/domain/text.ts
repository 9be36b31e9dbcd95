/**
 * Free text that people read: names, descriptions, references. It reaches officers' screens,
 * PDFs and logs, so control characters are refused: C0 and C1 controls (NUL, ESC sequences, CR
 * LF, which forge log lines and terminal output) and the Unicode bidirectional controls (U+202A
 * to U+202E, U+2066 to U+2069, U+200E, U+200F, U+061C), which make text display in an order other
 * than its logical one (CVE-2021-42574, "Trojan Source").
 */
import { z } from 'zod';

const forbidden = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/** Trimmed, non-empty, at most `max` characters, no control characters. */
export const plainText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !forbidden.test(value), { message: 'must not contain control characters or bidirectional overrides', params: { code: 'CONTROL_CHARACTER' } });
