/**
 * Risk selectivity, the pure domain: profiles (criteria as data), trader profiles, valuation
 * references, random selection and scoring. Storage, the risk worker and the APIs wire it.
 * See docs/risk.md.
 */

export { DeclarationFacts } from './declaration-facts.ts';
export { DRY_RUN_PROFILE_ID, type DryRunOptions, type DryRunResult, type DryRunSample, dryRun, dryRunResultSchema } from './dry-run.ts';
export * from './outcome.ts';
export * from './profile.ts';
export { type CompiledProfiles, type CompileOptions, compileProfiles } from './profile-set.ts';
export {
  assessCriteria,
  type CriteriaAssessment,
  compiledFor,
  defaultThresholds,
  type RiskThresholds,
  riskThresholdsSchema,
  type ScoreInput,
  scoreDeclaration,
} from './score.ts';
export * from './selection.ts';
export * from './trader.ts';
export * from './valuation.ts';
