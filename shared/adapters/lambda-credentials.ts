/**
 * Stands in for `@aws-sdk/credential-provider-node` in the function bundles (the `alias` of
 * infra/function-bundling.ts): credentials from the environment only. The Lambda runtime puts the
 * execution role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN,
 * the first link of the SDK's default chain and the one it takes there; the other links (SSO,
 * shared profiles, processes, web identity, container and instance metadata) are never reached in
 * Lambda, but with the STS, SSO and sign-in clients they import they were about 90 KB of every
 * bundle. The local cloud, the tests and the tools run the sources and keep the SDK's whole chain.
 */
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
