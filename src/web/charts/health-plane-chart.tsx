import { useCallback } from 'react';
import * as Plot from '@observablehq/plot';
import type { Character, HealthPlaneSeries, PlaneDot } from './health-plane-series.js';
import { characterColours } from './palette.js';
import { PlotFigure } from './plot-figure.js';

export interface HealthPlaneLabels {
  x: string;
  y: string;
  regions: Record<Character, string>;
  chart: string;
}

/** The log-log plane: the band of correctness, the fool's box, a dot per issue with its trail, and the organisation. */
export function HealthPlaneChart({ series, labels }: { series: HealthPlaneSeries; labels: HealthPlaneLabels }) {
  const draw = useCallback(
    (width: number) => {
      const height = Math.round(Math.min(560, Math.max(320, width * 0.8)));
      const issues = series.dots.filter((d) => !d.organisation);
      const organisation = series.dots.filter((d) => d.organisation);
      const labelStyle = { fill: '#1c1b19', stroke: '#fff', strokeWidth: 3, paintOrder: 'stroke', fontSize: 12 } as const;
      return Plot.plot({
        width,
        height,
        marginLeft: 52,
        marginBottom: 44,
        x: { type: 'log', domain: series.domain, label: labels.x, labelAnchor: 'right', tickFormat: '~g', grid: true },
        y: { type: 'log', domain: series.domain, label: labels.y, labelAnchor: 'top', tickFormat: '~g', grid: true },
        marks: [
          Plot.areaY(series.band, { x: 'x', y1: 'lower', y2: 'upper', fill: characterColours.correct, fillOpacity: 0.13 }),
          Plot.rect([series.foolBox], { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fill: characterColours.fool, fillOpacity: 0.16 }),
          ...regionLabels(series.domain, labels.regions, (Math.atan2(height, width) * 180) / Math.PI),
          Plot.line(series.trails, { x: 'x', y: 'y', z: 'key', stroke: '#4a463f', strokeOpacity: 0.45, strokeWidth: 1.5, marker: 'dot' }),
          Plot.dot(issues, { x: 'x', y: 'y', r: 6, fill: (d: PlaneDot) => characterColours[d.character], stroke: '#fff', strokeWidth: 1.5 }),
          Plot.dot(organisation, {
            x: 'x',
            y: 'y',
            r: 8,
            symbol: 'diamond',
            fill: (d: PlaneDot) => characterColours[d.character],
            stroke: '#1c1b19',
            strokeWidth: 1.5,
          }),
          Plot.text(issues, { x: 'x', y: 'y', text: 'label', dx: 10, textAnchor: 'start', lineWidth: 14, ...labelStyle }),
          Plot.text(organisation, { x: 'x', y: 'y', text: 'label', dx: 10, dy: 16, textAnchor: 'start', fontWeight: 700, ...labelStyle }),
        ],
      });
    },
    [series, labels],
  );
  return <PlotFigure draw={draw} label={labels.chart} className="plot plot--plane" />;
}

/** The name of each region, placed inside it. */
function regionLabels([lo, hi]: [number, number], regions: Record<Character, string>, diagonalDegrees: number) {
  // The labels are plain words with the essay's term: wrapped, so each stays inside its region.
  const style = { fill: '#4a463f', fontSize: 12, fontStyle: 'italic', lineWidth: 14 };
  const mid = Math.sqrt(lo * hi);
  return [
    Plot.text([regions.fool], { x: Math.sqrt(lo), y: Math.sqrt(lo), text: (d: string) => d, ...style }),
    Plot.text([regions['left-communist']], { x: hi / 1.5, y: lo * 1.6, text: (d: string) => d, textAnchor: 'end', ...style }),
    Plot.text([regions.empiricist], { x: lo * 1.5, y: hi / 1.6, text: (d: string) => d, textAnchor: 'start', ...style }),
    Plot.text([regions.correct], { x: mid * 2.5, y: mid * 2.5, text: (d: string) => d, rotate: -diagonalDegrees, dy: -6, ...style }),
  ];
}
