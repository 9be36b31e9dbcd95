/**
 * Free text that people read: names, descriptions, references. It reaches officers' screens,
 * PDFs and logs, so characters that are not plain visible text are refused:
 * - control characters (Unicode Cc: C0 and C1, NUL, ESC sequences, CR LF), which forge log lines
 *   and terminal output;
 * - format characters (Cf): bidirectional controls such as U+202E, which make text display in an
 *   order other than its logical one (CVE-2021-42574, "Trojan Source"), zero-width characters
 *   (U+200B, U+2060, U+FEFF) and tag characters, which hide text; except U+200C and U+200D
 *   (zero-width non-joiner and joiner), which scripts such as Persian and Devanagari need;
 * - line and paragraph separators (Zl, Zp), private-use (Co) and unassigned (Cn) code points, and
 *   lone surrogates (not well-formed UTF-16).
 */
import * as z from 'zod';

const forbidden = /(?![\u200C\u200D])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}]/u;

/** True when the text holds only characters people can read (see above). */
export const isPlainText = (value: string): boolean => value.isWellFormed() && !forbidden.test(value);

/** Trimmed, non-empty, at most `max` characters, plain text only. */
export const plainText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine(isPlainText, {
      message:
        'must not contain control, format (such as bidirectional overrides or zero-width), separator, private-use or unassigned characters',
      params: { code: 'CONTROL_CHARACTER' },
    });
