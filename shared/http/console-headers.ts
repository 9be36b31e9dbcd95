/**
 * The security headers of the customs console, in one place: the local gateway sends them with
 * every file of `console/dist` (`local/console-files.ts`) and CloudFront adds them to every answer
 * of the deployed console (`infra/constructs/console-site.ts`).
 *
 * The Content-Security-Policy allows scripts, styles and requests from the console's own origin
 * only: no inline scripts or styles, no eval, no framing. The deployed console also posts to the
 * Cognito domain (the OAuth token exchange), so `connect-src` takes extra origins.
 */

/** The policy, with `connect-src` extended to `connectTo` (origins such as `https://x.auth.eu-west-2.amazoncognito.com`). */
export function consoleCsp(connectTo: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    ["connect-src 'self'", ...connectTo].join(' '),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The policy of the local console, which talks to its own origin only. */
export const CONSOLE_CSP = consoleCsp();

/** The headers besides the Content-Security-Policy. */
export const consoleHeaders = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
} as const;

/** Every header, with `connect-src` extended to `connectTo` (locally: the archive bucket traders upload to). */
export const securityHeadersFor = (connectTo: readonly string[] = []): Readonly<Record<string, string>> => ({
  'content-security-policy': consoleCsp(connectTo),
  ...consoleHeaders,
});

export const consoleSecurityHeaders: Readonly<Record<string, string>> = securityHeadersFor();
