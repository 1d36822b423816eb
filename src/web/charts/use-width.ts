import { useEffect, useState, type RefObject } from 'react';

/**
 * The element's content width, following resizes (charts draw to the width they are given). Null
 * until the element has been measured, so a chart is drawn once, at its real width, not first at
 * a guess and again.
 */
export function useWidth(ref: RefObject<HTMLElement | null>): number | null {
  const [width, setWidth] = useState<number | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(200, Math.floor(entry.contentRect.width)));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
