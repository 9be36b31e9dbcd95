/**
 * The statistics charts (Recharts, SVG). Each chart has a text name for assistive technology and
 * sits beside a table of the same figures, which is what a screen reader or a copy-paste uses.
 * Bar heights need numbers: money is turned into a JS number only to draw it; every figure shown
 * as text (tooltips, tables) is the API's exact decimal string.
 */
import type { ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** Lane colours of the badges (styles.css), dark enough against white for a 3:1 graphic contrast. */
export const laneColours: Record<string, string> = {
  GREEN: '#00703c',
  BLUE: '#1d70b8',
  YELLOW: '#b58800',
  RED: '#b3261e',
};

/** Distinct colours for tax types, in order of appearance. */
const seriesColours = ['#0b3d62', '#00703c', '#b3261e', '#b58800', '#4c2c92', '#1d70b8', '#6f777b', '#d4351c'];
export const seriesColour = (index: number): string => seriesColours[index % seriesColours.length] ?? '#0b3d62';

export interface Series {
  key: string;
  name: string;
  colour: string;
}

export function StackedBars({
  label,
  data,
  category,
  series,
  stacked = true,
  formatValue,
}: {
  label: string;
  data: Record<string, string | number>[];
  category: string;
  series: readonly Series[];
  stacked?: boolean;
  formatValue?: (value: number, key: string, row: Record<string, string | number>) => ReactNode;
}) {
  return (
    <figure className="chart" aria-label={label}>
      <ResponsiveContainer width="100%" height={280}>
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }} accessibilityLayer>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey={category} />
          <YAxis allowDecimals={false} width={72} />
          <Tooltip
            formatter={(value, name, item) => {
              const key = typeof item.dataKey === 'string' ? item.dataKey : String(name);
              return [formatValue ? formatValue(Number(value), key, item.payload as Record<string, string | number>) : String(value), name];
            }}
          />
          <Legend />
          {series.map((entry) => (
            <Bar
              key={entry.key}
              dataKey={entry.key}
              name={entry.name}
              fill={entry.colour}
              {...(stacked ? { stackId: 'total' } : {})}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="visually-hidden">{label}</figcaption>
    </figure>
  );
}
