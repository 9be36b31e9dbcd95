/**
 * The page's h1. Sets the document title and, when the app moves to another page, takes focus, so
 * that a screen reader announces the new page and Tab continues from the top of its content. The
 * first page of a visit leaves focus where the browser puts it (before the skip link).
 */
import { type ReactNode, useEffect, useRef } from 'react';

let firstPage = true;

export function PageHeading({ title, children }: { title: string; children?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Customs console`;
  }, [title]);
  useEffect(() => {
    if (firstPage) {
      firstPage = false;
      return;
    }
    heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 ref={heading} tabIndex={-1}>
      {children ?? title}
    </h1>
  );
}
