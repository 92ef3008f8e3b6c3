"use client";

import { ErrorNotice } from "@/app/_components/error-notice";

export default function ErrorPage({ error }: { error: Error & { digest?: string } }) {
  return <ErrorNotice digest={error.digest} />;
}
