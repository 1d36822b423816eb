import { useCallback } from 'react';
import * as Plot from '@observablehq/plot';
import type { Aspect, HealthHistorySeries, HistoryRow } from './health-history-series.js';
import { aspectColours, characterColours } from './palette.js';
import { PlotFigure } from './plot-figure.js';

/** ℓ and π over time against their sufficiency (1), and the forecast's crossing ahead. */
export function HealthHistoryChart({
  series,
  labels,
}: {
  series: HealthHistorySeries;
  labels: { aspects: Record<Aspect, string>; sufficiency: string; forecast: string | null; chart: string };
}) {
  const draw = useCallback(
    (width: number) =>
      Plot.plot({
        width,
        height: 240,
        marginLeft: 40,
        x: { type: 'utc', domain: series.domain, label: null, ticks: width < 500 ? 3 : 6 },
        y: { label: null, grid: true, zero: true },
        marks: [
          Plot.ruleY([series.sufficiency], { stroke: '#6b675e', strokeDasharray: '4,3' }),
          Plot.text([series.sufficiency], {
            y: (d: number) => d,
            text: () => labels.sufficiency,
            frameAnchor: 'left',
            dy: -8,
            dx: 4,
            fill: '#4a463f',
            fontSize: 11,
          }),
          Plot.line(series.rows, { x: 'at', y: 'value', z: 'aspect', stroke: (r: HistoryRow) => aspectColours[r.aspect], strokeWidth: 2, curve: 'step-after' }),
          Plot.line(series.projected, {
            x: 'at',
            y: 'value',
            z: 'aspect',
            stroke: (r: HistoryRow) => aspectColours[r.aspect],
            strokeWidth: 2,
            strokeDasharray: '3,3',
            curve: 'step-after',
          }),
          Plot.dot(series.rows, { x: 'at', y: 'value', fill: (r: HistoryRow) => aspectColours[r.aspect], r: series.rows.length > 60 ? 1.2 : 2.5 }),
          ...(series.forecast && labels.forecast
            ? [
                Plot.ruleX([series.forecast.at], { stroke: characterColours[series.forecast.into], strokeWidth: 2, strokeDasharray: '6,3' }),
                Plot.text([series.forecast.at], {
                  x: (d: Date) => d,
                  text: () => labels.forecast,
                  frameAnchor: 'top',
                  textAnchor: 'end',
                  dx: -6,
                  dy: 8,
                  fill: characterColours[series.forecast.into],
                  fontSize: 11,
                  fontWeight: 600,
                }),
              ]
            : []),
        ],
      }),
    [series, labels],
  );
  return <PlotFigure draw={draw} label={labels.chart} className="plot plot--history" />;
}
