"use client";

import { useEffect } from "react";

/**
 * Marks the document once React has hydrated: proof that the page's own
 * scripts ran under the nonce-based CSP, and a signal tests wait on before
 * they use client-side behaviour.
 */
export function HydrationMarker() {
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return null;
}
