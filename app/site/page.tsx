export default function Landing() {
  return (
    <main className="mx-auto max-w-3xl px-6 py-20">
      <h1 className="text-4xl font-bold text-brand-900">Harambee</h1>
      <p className="mt-4 text-lg text-gray-700">
        Members, dues, donations and welfare for clubs; programs and beneficiaries for NGOs. Each organisation
        works on its own address, and its data is kept apart by the database itself.
      </p>
      <p className="mt-6 text-gray-600">Sign in at your organisation&apos;s address, for example kilimani.your-domain.</p>
    </main>
  );
}
