import Link from "next/link";

/** The one answer for missing, foreign, out-of-scope and forbidden (promise M4.4). */
export default function NotFound() {
  return (
    <main className="mx-auto max-w-md px-6 py-24 text-center">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="mt-3 text-gray-600">There is nothing here, or you do not have access to it.</p>
      <Link href="/" className="btn mt-6">
        Go to the start page
      </Link>
    </main>
  );
}
