import { useEffect, useRef } from 'react';
import { useWidth } from './use-width.js';

/**
 * Mounts what `draw(width)` returns (an Observable Plot chart) and redraws it on resize. The
 * chart is an image with a short label; its full text alternative is the caller's own markup.
 */
export function PlotFigure({ draw, label, className }: { draw: (width: number) => SVGSVGElement | HTMLElement; label: string; className?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const width = useWidth(ref);
  useEffect(() => {
    const el = ref.current;
    // Drawn once the width is known (the observer reports it on its first frame).
    if (!el || width === null) return;
    const chart = draw(width);
    const svg = chart instanceof SVGSVGElement ? chart : chart.querySelector('svg');
    svg?.setAttribute('role', 'img');
    svg?.setAttribute('aria-label', label);
    // Plot names its marks with aria-label; inside an image they are not for the reader (nor valid on <g>).
    svg?.querySelectorAll('[aria-label], [aria-description]').forEach((el) => {
      el.removeAttribute('aria-label');
      el.removeAttribute('aria-description');
    });
    el.replaceChildren(chart);
    return () => chart.remove();
  }, [draw, width, label]);
  return <div ref={ref} className={className ?? 'plot'} />;
}
