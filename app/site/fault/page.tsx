import { notFound } from "next/navigation";
import { faultInjectionEnabled, injectedFault } from "@/lib/diagnostics/fault";

/** A page that fails on purpose when fault injection is on (promise M6.7). */
export default function FaultPage(): never {
  if (!faultInjectionEnabled()) notFound();
  throw injectedFault("a page");
}
