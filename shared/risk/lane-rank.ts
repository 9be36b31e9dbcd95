/**
 * Lane strength: GREEN < BLUE < YELLOW < RED. Scoring keeps the strongest lane any step sets,
 * and profiles are evaluated (and their reasons listed) strongest lane first.
 */
import type { Lane } from './outcome.ts';

export const laneRank: Record<Lane, number> = { GREEN: 0, BLUE: 1, YELLOW: 2, RED: 3 };
export const strongerLane = (a: Lane, b: Lane): Lane => (laneRank[b] > laneRank[a] ? b : a);
