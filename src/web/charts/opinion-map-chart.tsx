import { useCallback } from 'react';
import * as Plot from '@observablehq/plot';
import type { OpinionMapSeries } from './opinion-map-series.js';
import { groupColour, unclusteredColour } from './palette.js';
import { PlotFigure } from './plot-figure.js';

/** The 2-D opinion map: a dot per member in their group's colour, each group's letter at its centre. */
export function OpinionMapChart({ series, label }: { series: OpinionMapSeries; label: string }) {
  const draw = useCallback(
    (width: number) => {
      const letters = series.groups.map((g) => g.label);
      const colourOf = new Map(letters.map((l, i) => [l, groupColour(i)]));
      // Members in no group first, so the groups are drawn over them.
      const points = [...series.points.filter((p) => p.group === null), ...series.points.filter((p) => p.group !== null)];
      return Plot.plot({
        width,
        height: Math.round(Math.min(520, width * 0.75)),
        margin: 12,
        x: { axis: null, domain: series.domain.x },
        y: { axis: null, domain: series.domain.y },
        marks: [
          Plot.frame({ stroke: '#d6d3cc' }),
          Plot.dot(points, {
            x: 'x',
            y: 'y',
            r: width < 500 ? 1.8 : 2.4,
            fill: (p: { group: string | null }) => (p.group ? colourOf.get(p.group) : unclusteredColour),
            fillOpacity: 0.55,
          }),
          Plot.text(series.groups, {
            x: 'x',
            y: 'y',
            text: 'label',
            fontSize: 22,
            fontWeight: 700,
            fill: '#111',
            stroke: '#fff',
            strokeWidth: 5,
            paintOrder: 'stroke',
          }),
        ],
      });
    },
    [series],
  );
  return <PlotFigure draw={draw} label={label} className="plot plot--map" />;
}
